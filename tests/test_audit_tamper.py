"""The audit log catches edits (issue 16, finding 6): every column shown or relied on is inside
the hash, the hash is keyed from the secret key, checkpoints kept outside the database catch a
log cut short or re-chained, and every current value must equal its last audited after-state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from thidua.accounts.audit import (
    Change,
    canonical,
    chain_keys,
    checkpoint,
    entry_hash,
    record,
    record_many,
    verify_chain,
)
from thidua.accounts.models import AuditEntry
from thidua.indicators import services
from thidua.indicators.integrity import mismatches
from thidua.indicators.models import Report, Value
from thidua.indicators.services import ValueInput

pytestmark = pytest.mark.django_db

P = "2019"


@pytest.fixture
def written(users, tnb, indicators, unit) -> AuditEntry:
    """Long An's officer writes a value: the newest entry is its audit."""
    item = ValueInput(unit("80"), indicators["grdp_growth"], P, Decimal("7.5"))
    services.write_values(users["longan"], tnb, P, [item])
    return AuditEntry.objects.order_by("-id").first()


def verify(*checkpoints: str) -> str:
    args = [a for c in checkpoints for a in ("--checkpoint", c)]
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", *args)
    assert caught.value.returncode == 1
    return str(caught.value)


def passes(*checkpoints: str, capsys) -> None:
    args = [a for c in checkpoints for a in ("--checkpoint", c)]
    call_command("audit", "verify", *args)
    assert "nguyên vẹn" in capsys.readouterr().out


def test_the_demo_log_and_its_values_verify(db, capsys):
    passes(capsys=capsys)


def test_an_edited_actor_name_fails_verify(written):
    AuditEntry.objects.filter(pk=written.pk).update(actor_name="camau")
    assert f"#{written.pk}" in verify()


@pytest.mark.parametrize(
    "column, value",
    [
        ("actor_name", "bantw"),
        ("actor_id", None),
        ("at", timezone.now()),
        ("action", "indicators.report.accepted"),
        ("object_type", "indicators.value"),
        ("object_id", "1"),
        ("before", {"value": "1"}),
        ("after", {"value": "9.9"}),
        ("reason", "sửa lén"),
        ("via", "api"),
        ("hash_version", 1),
    ],
)
def test_every_column_is_inside_the_hash(written, column, value):
    AuditEntry.objects.filter(pk=written.pk).update(**{column: value})
    assert verify_chain().pk == written.pk


def test_deleting_the_last_entries_fails_verify_against_a_checkpoint(users, capsys):
    record_many(users["bantw"], [Change("test.noted", users["xem"]) for _ in range(3)])
    line = checkpoint().line()
    passes(line, capsys=capsys)
    newest = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:2]
    AuditEntry.objects.filter(pk__in=list(newest)).delete()
    passes(capsys=capsys)  # the chain alone cannot see its end cut off
    assert "xóa bớt" in verify(line)


def test_entries_deleted_then_written_over_fail_verify_against_a_checkpoint(users):
    record_many(users["bantw"], [Change("test.noted", users["xem"]) for _ in range(3)])
    line = checkpoint().line()
    newest = AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:2]
    AuditEntry.objects.filter(pk__in=list(newest)).delete()
    record_many(users["bantw"], [Change("test.noted", users["xem"]) for _ in range(2)])
    assert verify_chain() is None
    verify(line)  # SQLite gives the freed ids again (another hash there), PostgreSQL does not


def test_a_chain_recomputed_with_the_public_algorithm_fails_verify(written):
    AuditEntry.objects.filter(pk=written.pk).update(actor_name="camau")
    rechain(lambda entry: hashlib.sha256(canonical(entry)).hexdigest(), start=written.pk)
    assert f"#{written.pk}" in verify()


def test_a_chain_recomputed_with_the_secret_key_fails_against_a_checkpoint(written, capsys):
    line = checkpoint().line()
    AuditEntry.objects.filter(pk=written.pk).update(actor_name="camau")
    rechain(entry_hash, start=written.pk)
    passes(capsys=capsys)  # whoever holds the secret key can re-chain …
    assert "tính lại chuỗi" in verify(line)  # … but not past a checkpoint kept elsewhere


def test_a_checkpoint_file_holds_many_lines_and_a_bad_one_is_refused(written, tmp_path, capsys):
    first = checkpoint().line()
    record(None, "test.noted", written)
    marks = tmp_path / "marks.txt"
    marks.write_text(f"{first}\n# {checkpoint().line()}\n")
    passes(str(marks), capsys=capsys)
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", "--checkpoint", "không phải điểm kiểm tra")
    assert caught.value.returncode == 2


def test_the_checkpoint_command_prints_the_newest_entry(written, capsys):
    call_command("audit", "checkpoint")
    assert capsys.readouterr().out.split() == [
        "thidua-audit",
        "v2",
        str(written.pk),
        written.hash,
        f"{written.at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S.%fZ}",
    ]


def test_a_value_changed_in_the_table_fails_verify(written, unit):
    Value.objects.filter(unit=unit("80"), period=P, is_current=True).update(value=Decimal("9.9"))
    message = verify()
    assert "grdp_growth kỳ 2019" in message and "(80)" in message
    assert "đang lưu 9.9, nhật ký ghi 7.5" in message


def test_a_current_value_taken_away_fails_verify(written, unit):
    Value.objects.filter(unit=unit("80"), period=P, is_current=True).update(is_current=False)
    assert "không còn số liệu hiện hành" in verify()


def test_a_report_status_changed_in_the_table_fails_verify(written, tnb, unit):
    Report.objects.filter(cluster=tnb, unit=unit("80"), period=P).update(status="accepted")
    assert "trạng thái đang lưu “accepted”, nhật ký ghi “draft”" in verify()


def test_the_value_check_takes_a_constant_number_of_queries(written):
    with CaptureQueriesContext(connection) as queries:
        assert mismatches() == []
    assert len(queries) == 3


def test_a_rotated_secret_key_still_verifies_the_entries_written_under_the_old_one(written):
    old, secret = chain_keys(), settings.SECRET_KEY
    with override_settings(SECRET_KEY="new-" + "y" * 50, SECRET_KEY_FALLBACKS=[secret]):
        assert chain_keys()[1] == old[0]
        assert verify_chain() is None
    with override_settings(SECRET_KEY="new-" + "y" * 50, SECRET_KEY_FALLBACKS=[]):
        assert verify_chain() is not None


def test_a_deleted_account_leaves_its_entries_verifiable(django_user_model):
    gone = django_user_model.objects.create_user("tamthoi", password="x" * 12)
    record(gone, "test.noted", gone)
    gone.delete()
    assert AuditEntry.objects.order_by("-id").first().actor_id is not None
    assert verify_chain() is None


def rechain(hash_of, start: int) -> None:
    """What an attacker with write access does after an edit: recompute every later link."""
    prev = AuditEntry.objects.filter(pk__lt=start).order_by("-id").values_list("hash", flat=True)
    prev = prev.first() or ""
    for entry in AuditEntry.objects.filter(pk__gte=start).order_by("id"):
        entry.prev_hash = prev
        entry.hash = prev = hash_of(entry)
        entry.save(update_fields=["prev_hash", "hash"])
    assert hmac.compare_digest(prev, AuditEntry.objects.order_by("-id").first().hash)
