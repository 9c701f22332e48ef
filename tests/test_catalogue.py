"""The indicator catalogue is data: exported, edited, imported, versioned, audited."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from thidua.accounts.audit import verify_chain
from thidua.accounts.models import AuditEntry
from thidua.common.errors import ValidationFailed
from thidua.indicators.catalogue import export_catalogue, load_catalogue
from thidua.indicators.models import Indicator


def rows():
    return list(csv.DictReader(io.StringIO(export_catalogue())))


def test_the_shipped_catalogue_has_the_indicators_the_issue_names(db):
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {
        "grdp_growth",
        "budget_revenue",
        "budget_plan",
        "budget_plan_pct",
        "hs_graduation_rate",
        "export_value",
        "social_investment",
        "poverty_rate_reduction",
        "new_rural_communes",
        "on_time_dossier_rate",
    } <= codes
    assert (
        Indicator.objects.get(code="budget_plan_pct").formula
        == "budget_revenue / budget_plan * 100"
    )


def test_reimporting_the_export_changes_nothing(db):
    assert load_catalogue(rows(), []) == 0


def test_a_changed_definition_is_a_new_version_in_the_audit(db):
    data = rows()
    for row in data:
        if row["code"] == "grdp_growth":
            row["decimals"] = "1"
    assert load_catalogue(data, []) == 1
    ind = Indicator.objects.get(code="grdp_growth")
    assert (ind.decimals, ind.version) == (1, 2)
    entry = AuditEntry.objects.filter(action="indicators.indicator.changed").latest("id")
    assert (entry.before["decimals"], entry.after["decimals"]) == (2, 1)


@pytest.mark.parametrize(
    ("column", "value"),
    [("aggregation", "average"), ("formula", "budget_revenue / nothing"), ("direction", "up")],
)
def test_a_bad_row_rejects_the_file_with_its_row_and_writes_nothing(db, column, value):
    data = rows()
    data[3][column] = value
    before = list(Indicator.objects.values_list("code", "version", "aggregation", "formula"))
    with pytest.raises(ValidationFailed) as caught:
        load_catalogue(data, [])
    assert caught.value.issues[0].row == 5 and caught.value.issues[0].column == column
    assert (
        list(Indicator.objects.values_list("code", "version", "aggregation", "formula")) == before
    )


def test_audit_verify_reports_a_tampered_entry(db, capsys):
    call_command("audit", "verify")
    assert "nguyên vẹn" in capsys.readouterr().out
    entry = AuditEntry.objects.order_by("id")[5]
    AuditEntry.objects.filter(pk=entry.pk).update(reason="sửa lén")
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1 and f"#{entry.pk}" in str(caught.value)
    assert verify_chain().pk == entry.pk
