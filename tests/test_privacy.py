"""Personal data: exported only to those who may see it, and every export is in the audit."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from thidua.accounts.models import AuditEntry
from thidua.awards.models import Person, Rating
from thidua.awards.privacy import person_record


@pytest.fixture
def person(db, unit):
    p = Person.objects.create(
        full_name="Trần Thị Mai", birth_year=1988, unit=unit("80"), national_id="080188000123"
    )
    Rating.objects.create(person=p, year=2025, rating="HTXS")
    return p


def test_a_persons_whole_record_is_exported_and_the_export_is_logged(users, person):
    data = person_record(users["bantw"], person)
    assert data["person"]["national_id"] == "080188000123"
    assert data["ratings"] == [{"year": 2025, "rating": "HTXS"}]
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor_name, entry.object_id) == (
        "awards.person.exported",
        "bantw",
        str(person.pk),
    )


def test_an_outsider_may_not_export_someone_elses_record(users, person):
    with pytest.raises(PermissionDenied):
        person_record(users["hanoi"], person)


def test_the_cli_exports_a_record_as_json(person, capsys):
    call_command("people", "export", str(person.pk))
    assert json.loads(capsys.readouterr().out)["person"]["full_name"] == "Trần Thị Mai"
