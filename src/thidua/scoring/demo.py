"""The demo's illustrative TNB 2019 regulation and manual scores (idempotent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources

from thidua.accounts.permissions import SYSTEM
from thidua.orgs.models import Cluster
from thidua.orgs.reference import read_csv, unit_on
from thidua.scoring import regulation_io, services
from thidua.scoring.models import ManualScore, Regulation


def load_demo_scoring() -> None:
    cluster = Cluster.objects.get(code="TNB")
    regulation = Regulation.objects.filter(cluster=cluster, year=2019).order_by("-version").first()
    if regulation is None:
        text = (
            resources.files("thidua.data").joinpath("regulation_TNB_2019.yaml").read_text("utf-8")
        )
        regulation = services.import_regulation(SYSTEM, regulation_io.parse_yaml(text), via="demo")
    criteria = {c.code: c for c in regulation.criteria.all()}
    existing = {
        (s.criterion_id, s.unit_id): s
        for s in ManualScore.objects.filter(criterion__regulation=regulation)
    }
    for row in read_csv("demo_manual_scores_TNB_2019.csv"):
        criterion, unit = criteria[row["criterion"]], unit_on(row["unit_code"], date(2019, 7, 1))
        found = existing.get((criterion.pk, unit.pk))
        self_points, review_points = Decimal(row["self_points"]), Decimal(row["review_points"])
        if found is None or found.self_points != self_points:
            services.self_score(
                SYSTEM, criterion, unit, self_points, row["self_note"] or "—", via="demo"
            )
        if found is None or found.review_points != review_points:
            services.review_score(
                SYSTEM, criterion, unit, review_points, row["review_reason"], via="demo"
            )
