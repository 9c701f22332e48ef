"""Audit actions are declared once per app (`<app>/audit_actions.py`), each with a Vietnamese
label, and nothing records an action that is not declared."""

from __future__ import annotations

import importlib
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from thidua.accounts import audit_actions
from thidua.accounts.models import AuditEntry
from thidua.accounts.permissions import SYSTEM
from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.indicators.services import ValueInput

SOURCE = Path(__file__).resolve().parents[1] / "src" / "thidua"
APPS = ("accounts", "indicators", "scoring", "reports", "ballots", "awards", "notices", "jobs")
NAME = re.compile(
    r'"((?:accounts|indicators|scoring|reports|ballots|awards|notices|jobs)\.[a-z_]+\.[a-z_]+)"'
)
# `audit_actions.X`, or `awards_actions.X` where a module uses two apps' actions.
CONSTANT = re.compile(
    r"\b(?:(accounts|indicators|scoring|reports|ballots|awards)_actions|audit_actions)"
    r"\.([A-Z][A-Z0-9_]*)\b"
)
# An audit-writing call whose action is a string written in place.
FREE = re.compile(r'\b(?:record|Change)\(\s*(?:[\w.]+,\s*)?"')


def _sources():
    for path in SOURCE.rglob("*.py"):
        if "migrations" not in path.parts and path.name != "audit_actions.py":
            yield path, path.read_text(encoding="utf-8")


def test_each_app_declares_its_own_actions_with_a_vietnamese_label():
    seen: dict[str, str] = {}
    for app in APPS:
        module = importlib.import_module(f"thidua.{app}.audit_actions")
        for action, label in module.LABELS.items():
            assert action.startswith(f"{app}.") and action.count(".") == 2, action
            assert action not in seen, f"{action} declared by {app} and {seen[action]}"
            seen[action] = app
            with translation.override("vi"):
                assert str(label).strip() and str(label) != action, action
    assert set(seen) == set(audit_actions.declared())


def test_the_declared_labels_are_translated_to_english():
    with translation.override("en"):
        missing = {a for a, label in audit_actions.declared().items() if _untranslated(label)}
    assert not missing, missing


def _untranslated(label) -> bool:
    with translation.override("vi"):
        vietnamese = str(label)
    return str(label) == vietnamese


def test_every_action_named_in_the_source_is_declared():
    declared = set(audit_actions.declared())
    named = {m for _path, text in _sources() for m in NAME.findall(text)}
    assert named <= declared, named - declared


def test_every_action_constant_used_exists():
    missing = []
    for path, text in _sources():
        for app, constant in CONSTANT.findall(text):
            module = _module_for(path, app)
            if not hasattr(module, constant):
                missing.append(f"{path.relative_to(SOURCE)}: {module.__name__}.{constant}")
    assert not missing, missing


def _module_for(path: Path, app: str):
    if not app:  # `audit_actions` is the one imported in the module: find which app's
        found = re.search(r"from thidua\.(\w+) import audit_actions\b", path.read_text())
        app = found[1] if found else path.relative_to(SOURCE).parts[0]
    return importlib.import_module(f"thidua.{app}.audit_actions")


def test_no_audit_call_writes_its_action_as_a_free_string():
    free = [
        f"{path.relative_to(SOURCE)}: {m.group(0)}"
        for path, text in _sources()
        for m in FREE.finditer(text)
    ]
    assert not free, free


def test_a_free_string_would_be_caught():
    assert FREE.search('record(actor, "awards.proposal.created", proposal)')
    assert FREE.search('Change("awards.backlog.case_added", case)')
    assert not FREE.search("record(actor, audit_actions.PROPOSAL_CREATED, proposal)")


@pytest.mark.django_db
def test_every_action_the_demo_and_a_report_workflow_record_is_declared(
    tnb, indicators, unit, users
):
    services.write_values(
        SYSTEM, tnb, "2019", [ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal(7))]
    )
    report = Report.objects.get(cluster=tnb, period="2019", unit=unit("80"))
    report = services.submit_report(users["longan"], report)
    report = services.return_report(users["camau"], report, "Thiếu số liệu")
    report = services.submit_report(users["longan"], report)
    report = services.accept_report(users["camau"], report)
    report = services.reopen_report(users["camau"], report, "Sửa lại")
    services.grant_entry_exception(users["camau"], report, date(2030, 1, 1))
    recorded = set(AuditEntry.objects.values_list("action", flat=True).distinct())
    assert {"awards.demo.loaded", "indicators.report.returned"} <= recorded
    assert recorded <= set(audit_actions.declared()), recorded - set(audit_actions.declared())


# One reader of the audit trail: accounts.timeline --------------------------------------------


@pytest.mark.django_db
def test_the_timeline_is_one_objects_entries_in_either_order(tnb, indicators, unit, users):
    from thidua.accounts.timeline import events, timeline

    services.write_values(
        SYSTEM, tnb, "2019", [ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal(7))]
    )
    report = Report.objects.get(cluster=tnb, period="2019", unit=unit("80"))
    report = services.submit_report(users["longan"], report)
    services.return_report(users["camau"], report, "Thiếu số liệu")
    newest = list(timeline(report))
    assert [e.action for e in newest[:2]] == [
        "indicators.report.returned",
        "indicators.report.submitted",
    ]
    assert {(e.object_type, e.object_id) for e in newest} == {("indicators.report", str(report.pk))}
    same = timeline(object_type="indicators.report", object_id=str(report.pk), oldest_first=True)
    assert list(same) == newest[::-1]
    steps = events(report, prefix="indicators.report.", statuses={"returned": "Trả lại"})
    assert [(e.label, e.actor, e.status) for e in steps] == [
        ("Gửi báo cáo", "longan", ""),
        ("Trả lại", "camau", "Trả lại"),
    ]
    assert steps[1].reason == "Thiếu số liệu"


def test_no_module_but_the_timeline_reads_one_objects_entries():
    one_object = re.compile(r"AuditEntry\.objects\.filter\([^)]*object_id=", re.S)
    readers = [str(p.relative_to(SOURCE)) for p, text in _sources() if one_object.search(text)]
    assert readers == ["accounts/timeline.py"], readers
