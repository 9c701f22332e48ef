"""Load the award catalogue (YAML) idempotently; a rule already stored is never edited.

A rule is a version: a new decree is a new entry with its start date; a rule found to be
encoded wrongly, or checked against the text later, is a new entry with the same start date
and an explicit `version` higher than the one it replaces. Stored versions stay as they are
(verdicts kept with proposals name them); `rule_for` takes the latest start date and, between
equal dates, the highest version.
"""

from __future__ import annotations

import functools
from datetime import date
from importlib import resources

import yaml
from django.db import transaction
from django.utils import timezone

from thidua.awards.aliases import load_aliases
from thidua.awards.models import AwardRule, AwardType

RULE_FIELDS = (
    "verification legal_basis source vote_threshold_pct vote_basis council_ballot documents "
    "step_days note"
).split()

DEFAULT_STEP_DAYS = {"check": 10, "council": 10, "decide": 20}


def read_catalogue() -> list[dict]:
    text = resources.files("thidua.data").joinpath("awards_catalogue.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@transaction.atomic
def load_catalogue(entries: list[dict] | None = None) -> int:
    created = 0
    for entry in entries or read_catalogue():
        award, _ = AwardType.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "kind": entry["kind"],
                "level": entry["level"],
                "subjects": entry["subjects"],
                "conferred_by": entry.get("conferred_by", ""),
                "rank": entry.get("rank", 0),
                "implies": entry.get("implies", []),
            },
        )
        for rule in entry.get("rules", []):
            created += _add_rule(award, rule)
        created += load_aliases(award, entry.get("aliases", []))
    return created


class CatalogueError(Exception):
    """The catalogue contradicts a stored rule: a version is never rewritten."""


def _add_rule(award: AwardType, rule: dict) -> int:
    valid_from = rule["valid_from"]
    if isinstance(valid_from, str):
        valid_from = date.fromisoformat(valid_from)
    declared = rule.get("version")
    if declared is not None:
        stored = AwardRule.objects.filter(award_type=award, version=declared).first()
        if stored is not None:
            if stored.valid_from != valid_from or stored.conditions != rule["conditions"]:
                raise CatalogueError(
                    f"{award.code} v{declared}: the catalogue's rule differs from the stored one; "
                    "a changed rule needs a new version."
                )
            return 0
        version = declared
    else:
        if AwardRule.objects.filter(award_type=award, valid_from=valid_from).exists():
            return 0
        last = AwardRule.objects.filter(award_type=award).order_by("-version").first()
        version = (last.version + 1) if last else 1
    data = {f: rule[f] for f in RULE_FIELDS if f in rule}
    data.setdefault("step_days", DEFAULT_STEP_DAYS)
    AwardRule.objects.create(
        award_type=award,
        version=version,
        valid_from=valid_from,
        valid_to=rule.get("valid_to"),
        conditions=rule["conditions"],
        **data,
    )
    return 1


def rule_for(award: AwardType, year: int, on: date | None = None) -> AwardRule | None:
    """The rule in force on the day the proposal is considered (`on`; without it, today, and
    never before the end of the assessed year): the latest start date, and of rules starting
    the same day the highest version (a correction of the earlier one). A title of 2023
    considered in February 2024 is judged under the rules in force then (law.md §3.4)."""
    day = on or max(timezone.localdate(), date(year, 12, 31))
    candidates = [
        r
        for r in award.rules.all()
        if r.valid_from <= day and (r.valid_to is None or r.valid_to >= day)
    ]
    return max(candidates, key=lambda r: (r.valid_from, r.version), default=None)


def award_name(code: str) -> str:
    """The award's name for its code; the code itself when no award has it."""
    found = AwardType.objects.filter(code=code).first() if code else None
    return found.name if found else code


@functools.cache
def _instruments() -> list[dict]:
    text = resources.files("thidua.data").joinpath("legal_instruments.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def decree_on(day: date) -> str:
    """The law and the decree detailing it in force on `day`, as a verdict names them."""
    for item in _instruments():
        if item["valid_from"] <= day and (item.get("valid_to") is None or day <= item["valid_to"]):
            flag = "" if item["verification"] == "VERIFIED" else f" – {item['verification']}"
            return f"{item['law']}; {item['decree']}{flag}"
    return ""
