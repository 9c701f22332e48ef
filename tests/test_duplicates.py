"""Duplicate people: candidates found set-based, merged only after review, nothing deleted."""

import json
from collections import defaultdict

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.accounts.models import AuditEntry
from thidua.awards import services
from thidua.awards.duplicates import candidate_page, duplicate_candidates, merge_people
from thidua.awards.models import AwardEntry, AwardType, Initiative, Person, Proposal, Rating
from thidua.common.errors import ValidationFailed
from thidua.orgs.models import Unit

NAME, BORN = "Hồ Văn Trùng", 1977


@pytest.fixture
def health(db):
    return Unit.objects.get(code="80.SYT")


@pytest.fixture
def pair(health):
    """The same official twice: once linked to the unit, once typed from an old paper list."""
    keep = Person.objects.create(full_name=NAME, birth_year=BORN, unit=health)
    other = Person.objects.create(
        full_name="Hồ  Văn Trùng", birth_year=BORN, unit_name="Sở Y tế Long An", position="BS"
    )
    for year, rating in ((2020, "HTT"), (2021, "HTXS")):
        Rating.objects.create(person=keep, year=year, rating=rating)
    for year, rating in ((2018, "HT"), (2021, "HTXS")):
        Rating.objects.create(person=other, year=year, rating=rating)
    Initiative.objects.create(person=other, year=2019, title="Sổ tay", scope="co_so")
    ldtt = AwardType.objects.get(code="LDTT")
    AwardEntry.objects.create(
        award_type=ldtt, year=2018, person=other, recipient_name=other.full_name
    )
    return keep, other


def groups_with(person_ids):
    return [g for g in duplicate_candidates() if {p["id"] for p in g.people} & set(person_ids)]


def test_the_same_name_and_birth_year_in_a_similar_unit_is_a_candidate(pair):
    keep, other = pair
    [group] = groups_with([keep.pk])
    assert {p["id"] for p in group.people} == {keep.pk, other.pk}
    assert group.reason == "cùng tên đơn vị"
    counts = {p["id"]: p["records"] for p in group.people}
    assert counts[other.pk] == {"ratings": 2, "initiatives": 1, "awards": 1, "proposals": 0}


def test_namesakes_in_different_units_are_not_candidates(health):
    finance = Unit.objects.get(code="91.STC")
    a = Person.objects.create(full_name=NAME, birth_year=BORN, unit=health)
    b = Person.objects.create(full_name=NAME, birth_year=BORN, unit=finance)
    c = Person.objects.create(full_name=NAME, birth_year=BORN, unit_name="Sở Xây dựng Cà Mau")
    assert groups_with([a.pk, b.pk, c.pk]) == []


def test_the_demos_namesakes_stay_different_people(db):
    provinces = defaultdict(set)
    for key, born, province in Person.objects.filter(unit__isnull=False).values_list(
        "name_key", "birth_year", "unit__parent_id"
    ):
        provinces[(key, born)].add(province)
    namesakes = [k for k, found in provinces.items() if len(found) > 1]
    assert len(namesakes) >= 3
    for key, born in namesakes:
        assert not Person.objects.filter(name_key=key, birth_year=born, merged_into__isnull=False)
    for group in duplicate_candidates():
        assert len({p["unit_id"] for p in group.people if p["unit_id"]}) <= 1


def test_candidates_are_found_in_a_fixed_number_of_queries(pair, django_assert_max_num_queries):
    # Pairs, people, four record counts, the units with a successor, and, for a unit written
    # as text, every unit with the lineage (two).
    with django_assert_max_num_queries(9):
        assert duplicate_candidates()


def test_a_reviewed_merge_keeps_every_record(users, pair, health):
    keep, other = pair
    proposal = Proposal.objects.create(
        award_type=AwardType.objects.get(code="LDTT"),
        year=2021,
        person=other,
        proposing_unit=health.parent,
    )
    models = (Person, Rating, Initiative, AwardEntry, Proposal)
    before = [m.objects.count() for m in models]
    result = merge_people(users["bantw"], keep, other, "Đối chiếu lý lịch: cùng một người")
    assert [m.objects.count() for m in models] == before
    other.refresh_from_db()
    keep.refresh_from_db()
    assert other.merged_into == keep
    assert sorted(keep.ratings.values_list("year", flat=True)) == [2018, 2020, 2021]
    # The identical 2021 rating stays on the merged record: a person has one rating a year.
    assert list(other.ratings.values_list("year", flat=True)) == [2021]
    assert result.kept_on_other == [2021]
    assert keep.initiatives.count() == 1 and keep.awards.count() == 1
    proposal.refresh_from_db()
    assert proposal.person == keep
    assert keep.position == "BS"  # a blank field filled from the other record
    actions = set(
        AuditEntry.objects.filter(reason__startswith="Đối chiếu").values_list("action", flat=True)
    )
    assert actions == {"awards.person.merged", "awards.person.merged_into"}


def test_ratings_that_disagree_block_the_merge(users, pair):
    keep, other = pair
    Rating.objects.filter(person=other, year=2021).update(rating="HT")
    with pytest.raises(ValidationFailed, match="2021"):
        merge_people(users["bantw"], keep, other, "x")
    other.refresh_from_db()
    assert other.merged_into is None


@pytest.mark.parametrize("who", ["longan", "camau", "xem"])
def test_only_the_board_merges(users, pair, who):
    with pytest.raises(PermissionDenied):
        merge_people(users[who], *pair, "x")


def test_a_merge_needs_a_reason_and_happens_once(users, pair):
    keep, other = pair
    with pytest.raises(ValidationFailed, match="lý do"):
        merge_people(users["bantw"], keep, other, " ")
    merge_people(users["bantw"], keep, other, "đã đối chiếu")
    with pytest.raises(ValidationFailed, match="đã được hợp nhất"):
        merge_people(users["bantw"], keep, other, "lần nữa")
    assert groups_with([keep.pk]) == []


def test_a_merged_record_cannot_be_proposed(users, pair):
    keep, other = pair
    other.unit = keep.unit
    other.save()
    merge_people(users["bantw"], keep, other, "đã đối chiếu")
    other.refresh_from_db()
    with pytest.raises(ValidationFailed, match="hợp nhất"):
        services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=other)


def test_the_cli_lists_candidates_and_merges(pair, capsys):
    keep, other = pair
    call_command("people", "duplicates", "--json")
    groups = json.loads(capsys.readouterr().out)
    assert any({p["id"] for p in g["people"]} == {keep.pk, other.pk} for g in groups)
    call_command("people", "merge", str(keep.pk), str(other.pk), "--reason", "đối chiếu hồ sơ")
    assert "Đã hợp nhất" in capsys.readouterr().out
    other.refresh_from_db()
    assert other.merged_into_id == keep.pk
    assert AuditEntry.objects.filter(action="awards.person.merged", via="cli").exists()
    with pytest.raises(CommandError):
        call_command("people", "merge", str(keep.pk), "999999", "--reason", "x")


def test_names_that_differ_only_by_diacritics_are_flagged_for_checking(health):
    a = Person.objects.create(full_name="Lê Văn Hùng", birth_year=1971, unit=health)
    b = Person.objects.create(full_name="Lê Văn Hưng", birth_year=1971, unit=health)
    [group] = groups_with([a.pk, b.pk])
    assert group.reason == "cùng đơn vị (họ tên viết khác dấu: cần đối chiếu)"


@pytest.fixture
def many_pairs(health):
    """Four namesake pairs in one unit, besides the demo's namesakes in different units."""
    made = []
    for i, name in enumerate(("Âu Văn Một", "Bùi Văn Hai", "Chu Văn Ba", "Đào Văn Bốn")):
        for _ in range(2):
            made.append(Person.objects.create(full_name=name, birth_year=1960 + i, unit=health))
    return made


def test_the_web_list_reads_a_bounded_page_of_namesakes_and_goes_on(
    monkeypatch, many_pairs, client, users
):
    from thidua.awards import duplicates

    monkeypatch.setattr(duplicates, "PAGE_PAIRS", 2)
    seen, after, pages = [], None, 0
    while True:
        with CaptureQueriesContext(connection) as ctx:
            groups, after = candidate_page(after)
        pair_query = ctx.captured_queries[0]["sql"]
        assert "GROUP BY" in pair_query and "LIMIT 2" in pair_query
        assert len({(g.full_name, g.birth_year) for g in groups}) <= 2
        seen += [sorted(p["id"] for p in g.people) for g in groups]
        pages += 1
        if after is None:
            break
    assert pages > 2
    assert sorted(seen) == sorted(sorted(p["id"] for p in g.people) for g in duplicate_candidates())
    shown = {i for ids in seen for i in ids}
    assert {p.pk for p in many_pairs} <= shown

    client.force_login(users["bantw"])
    first = client.get("/awards/duplicates/").content.decode()
    assert "Xem tiếp" in first
    link = first.split('href="/awards/duplicates/?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert client.get("/awards/duplicates/?" + link).status_code == 200
    assert client.get("/awards/duplicates/?after=x&born=abc").status_code == 200


def test_a_page_of_namesakes_costs_the_same_queries_whatever_the_registry_size(
    monkeypatch, many_pairs
):
    from thidua.awards import duplicates

    monkeypatch.setattr(duplicates, "PAGE_PAIRS", 3)
    found, start = [], 0
    for n in (10, 40):  # namesakes first in the order of names ("a van 00"), in one commune each
        for i in range(start, n):
            for _ in range(2):
                Person.objects.create(
                    full_name=f"A Văn {i:02}", birth_year=1950, unit_name=f"Xã {i}"
                )
        start = n
        with CaptureQueriesContext(connection) as ctx:
            groups, _after = candidate_page()
        found.append((len(ctx.captured_queries), len(groups)))
    assert found[0] == found[1] and found[0][0] <= 9 and found[0][1] == 3


def _namesake_plan() -> str:
    from thidua.awards.duplicates import _namesake_pairs

    with CaptureQueriesContext(connection) as queries:
        _namesake_pairs(None, 50)
    sql = queries.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
        cursor.execute(prefix + sql)
        return " ".join(str(cell) for row in cursor.fetchall() for cell in row)


def test_the_namesake_page_never_reads_people_through_the_merge_column(db):
    # SQLite's sampled ANALYZE (refresh_statistics after an import) once said ~2,000 people per
    # merged_into value while every one was NULL; the planner then read every unmerged person
    # through that index to find a page of namesakes (0.5–3 s at 1,000,000 people). The column
    # is indexed only where set, so no statistics can send "IS NULL" there.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # The statistics such an ANALYZE left on the national benchmark's 1,000,000 people.
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'awards_person' AND "
                "type = 'index' AND sql IS NOT NULL"
            )
            for index, sql in cursor.fetchall():
                stat = (
                    "1043072 2001"
                    if "merged_into_id" in sql
                    else "1120791 13 2"
                    if "name_key" in sql
                    else "1146600 10"
                )
                cursor.execute("DELETE FROM sqlite_stat1 WHERE idx = %s", [index])
                cursor.execute(
                    "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('awards_person', %s, %s)",
                    [index, stat],
                )
            cursor.execute("ANALYZE sqlite_schema")
    plan = _namesake_plan()
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "awards_person")
    merge_indexes = [n for n, c in constraints.items() if c["columns"] == ["merged_into_id"]]
    assert merge_indexes and not [n for n in merge_indexes if n in plan], plan
