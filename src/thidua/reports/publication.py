"""Published reviews: the figures a meeting saw, frozen, and what has changed since.

`publish_review` is the only writer; a publication is never updated (the model refuses), a
correction is a new publication that names the one it replaces. `shown_review` is what every
door (page, document, API, CLI) reads: the latest publication unless the live figures are asked
for, with the value-by-value changes since publication.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, user_or_none
from thidua.accounts.audit import record
from thidua.common.periods import parse_period
from thidua.indicators.models import Report, ReportStatus
from thidua.orgs.models import Cluster
from thidua.reports import audit_actions
from thidua.reports.aggregation import exact_and_shown
from thidua.reports.models import ReviewPublication
from thidua.reports.narrative import narrate

# The keys of `aggregation.review` output that hold Decimals (stored as strings, exactly).
NUMERIC = {"total", "mean", "min", "max", "cluster_value", "value", "change", "change_pct"}


def freeze(value: Any) -> Any:
    """JSON with every Decimal as its exact string: "61.68", never 61.68000000001."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: freeze(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [freeze(v) for v in value]
    return value


def thaw(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: thaw(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v, key) for v in value]
    if key in NUMERIC and isinstance(value, str):
        return Decimal(value)
    return value


def latest(cluster: Cluster, period: str) -> ReviewPublication | None:
    return (
        ReviewPublication.objects.filter(cluster=cluster, period=period)
        .order_by("-published_at", "-pk")
        .first()
    )


def counted_reports(cluster: Cluster, period: str) -> list[dict]:
    """The accepted reports a review of `period` reads: its periods' and a year before's."""
    p = parse_period(period)
    rows = (
        Report.objects.filter(
            cluster=cluster,
            period__in=p.within() + p.previous_year().within(),
            status=ReportStatus.ACCEPTED,
        )
        .order_by("unit__code", "period")
        .values("id", "unit__code", "period", "status", "accepted_at", "updated_at")
    )
    return [
        {
            "id": r["id"],
            "unit": r["unit__code"],
            "period": r["period"],
            "status": r["status"],
            "accepted_at": r["accepted_at"].isoformat() if r["accepted_at"] else None,
            "updated_at": r["updated_at"].isoformat(),
        }
        for r in rows
    ]


def publish_review(
    actor: Actor, cluster: Cluster, period: str, *, via: str = "web"
) -> ReviewPublication:
    """Freeze the accepted figures of `period`, their narrative and the Word document."""
    from thidua.reports.documents import review_docx

    p = parse_period(period)
    perms.require(perms.can_run_cluster(actor, cluster.pk, p.year))
    with transaction.atomic():
        # Two publications of one period at once would both replace the same one: the second
        # waits for the first and replaces it.
        Cluster.objects.select_for_update().filter(pk=cluster.pk).first()
        previous = latest(cluster, p.code)
        with translation.override("vi"):  # an official record is written in Vietnamese
            exact, data = exact_and_shown(cluster, p.code)
        narrative, narrative_en = narrate(data, cluster, "vi"), narrate(data, cluster, "en")
        document = review_docx(cluster, p.code, data=data, narrative=narrative)
        publication = ReviewPublication(
            cluster=cluster,
            period=p.code,
            published_at=timezone.now(),
            published_by=user_or_none(actor),
            published_by_name=_name(actor),
            data=freeze(data),
            data_exact=freeze(exact),
            narrative=narrative,
            narrative_en=narrative_en,
            reports=counted_reports(cluster, p.code),
            document=document,
            document_sha256=hashlib.sha256(document).hexdigest(),
            replaces=previous,
        )
        publication.save()
        after = {
            "cluster": cluster.code,
            "period": p.code,
            "document_sha256": publication.document_sha256,
            "reports": len(publication.reports),
            "replaces": previous.pk if previous else None,
        }
        record(actor, audit_actions.REVIEW_PUBLISHED, publication, None, after, via=via)
    return publication


def _name(actor: Actor) -> str:
    full = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


@dataclass
class Shown:
    """The review a door shows: the published snapshot, or the live figures (narrated when
    asked: the page needs one language, the API and the CLI both)."""

    data: dict
    cluster: Cluster
    publication: ReviewPublication | None = None  # the latest, whether shown or not
    live: bool = True
    changes: list[dict] = field(default_factory=list)
    exact: dict | None = None  # the same figures unrounded, for machines (JSON)

    def narrative(self, language: str = "vi") -> str:
        key = "narrative_en" if language == "en" else "narrative"
        if key not in self.data:
            self.data[key] = narrate(self.data, self.cluster, language)
        return self.data[key]

    def narrated(self) -> dict:
        """The figures with the narrative in both languages."""
        self.narrative("vi")
        self.narrative("en")
        return self.data

    def exact_narrated(self) -> dict:
        """The exact figures with the narrative (written from the figures shown)."""
        texts = {"narrative": self.narrative("vi"), "narrative_en": self.narrative("en")}
        return dict(self.exact if self.exact is not None else self.data, **texts)


def shown_review(
    cluster: Cluster, period: str, *, live: bool = False, include_submitted: bool = False
) -> Shown:
    """The latest publication of the period with what changed since, unless `live` (or
    `include_submitted`, a preview) asks for the figures as they are now."""
    p = parse_period(period)
    publication = latest(cluster, p.code)
    exact_now, now = exact_and_shown(cluster, p.code, include_submitted=include_submitted)
    if publication is None or live or include_submitted:
        return Shown(now, cluster, publication, live=True, exact=exact_now)
    data = published_data(publication)
    exact = thaw(publication.data_exact) if publication.data_exact else data
    found = changes(exact, exact_now)  # exact: a change the rounding hides is still a change
    return Shown(data, cluster, publication, live=False, changes=found, exact=exact)


def published_data(publication: ReviewPublication) -> dict:
    data = thaw(publication.data)
    data["narrative"] = publication.narrative
    data["narrative_en"] = publication.narrative_en
    return data


def changes(published: dict, now: dict) -> list[dict]:
    """Every member value that differs between the publication and now, indicator by indicator
    in the review's order, members by code."""
    found = []
    codes = list(published["indicators"]) + [
        c for c in now["indicators"] if c not in published["indicators"]
    ]
    for code in codes:
        before_entry = published["indicators"].get(code)
        after_entry = now["indicators"].get(code)
        entry = before_entry or after_entry
        before, after = _values(before_entry), _values(after_entry)
        for unit_code in sorted(set(before) | set(after)):
            old, new = before.get(unit_code, (None, None)), after.get(unit_code, (None, None))
            if old[1] != new[1]:
                found.append(
                    {
                        "indicator": code,
                        "indicator_name": entry["name"],
                        "measure": entry["measure"],
                        "decimals": entry["decimals"],
                        "unit_code": unit_code,
                        "unit_name": old[0] or new[0],
                        "published": old[1],
                        "live": new[1],
                    }
                )
    return found


def _values(entry: dict | None) -> dict[str, tuple[str, Decimal]]:
    if entry is None:
        return {}
    return {r["unit_code"]: (r["unit_name"], r["value"]) for r in entry["ranking"]}


def publication_facts(publication: ReviewPublication) -> dict:
    """What the doors say about a publication: when, by whom, what it replaces and counted."""
    return {
        "id": publication.pk,
        "published_at": publication.published_at,
        "published_by": publication.published_by_name,
        "document_sha256": publication.document_sha256,
        "replaces": publication.replaces_id,
        "reports": publication.reports,
    }


def review_file(
    cluster: Cluster, period: str, *, pdf: bool, live: bool = False, include_submitted: bool = False
) -> bytes:
    """The review as Word or PDF, as every door hands it out: the published document as it was
    published, unless the live figures or the submitted reports too are asked for."""
    from thidua.reports.documents import review_docx
    from thidua.reports.docx import docx_to_pdf

    published = None if (live or include_submitted) else latest(cluster, period)
    if published is not None:
        docx = bytes(published.document)
    else:
        docx = review_docx(cluster, period, include_submitted=include_submitted)
    return docx_to_pdf(docx) if pdf else docx
