"""Ship the default narrative templates; an official edits them in the admin afterwards."""

from __future__ import annotations

import json
from importlib import resources

from django.db import transaction

from thidua.indicators.models import Indicator
from thidua.reports.models import NarrativeTemplate


@transaction.atomic
def load_narrative_templates() -> int:
    """Create the shipped templates that do not exist yet; never overwrite an official's edit."""
    text = resources.files("thidua.data").joinpath("narrative_templates.json").read_text("utf-8")
    indicators = {i.code: i for i in Indicator.objects.all()}
    created = 0
    for row in json.loads(text):
        code = row.pop("indicator")
        _, made = NarrativeTemplate.objects.get_or_create(
            kind=row["kind"],
            indicator=indicators.get(code) if code else None,
            cluster=None,
            defaults=row,
        )
        created += made
    return created
