"""Possible duplicate people, and the reviewed merge that keeps every record.

Candidates share the name key and the birth year and sit in the same or a similar unit. They
are found set-based: one GROUP BY for the (name key, birth year) pairs that occur more than
once, one query for those people, then the unit comparison on that small set. Namesakes in
different units are not candidates: two officials may share a name and a birth year. Nothing
is ever merged automatically.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import Change, record_many
from thidua.awards import audit_actions
from thidua.awards.models import AwardEntry, Initiative, Person, PersonUnit, Proposal, Rating
from thidua.awards.people_match import PeopleMatcher
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.text import unit_key
from thidua.orgs.lineage import UnitResolver
from thidua.orgs.models import Lineage

# Words every unit name shares; they say nothing about whether two units are the same.
_GENERIC = frozenset("so tinh thanh pho tp ubnd uy ban nhan dan va cua".split())
_SIMILAR = 0.6  # share of distinctive words in common (Jaccard)
# Namesake pairs (name key, birth year) examined for one page of the web list.
PAGE_PAIRS = 50
_FILLED_FROM_OTHER = ("birth_date", "gender", "unit", "unit_name", "position", "national_id")


@dataclass
class DuplicateGroup:
    full_name: str
    birth_year: int
    reason: str
    people: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "full_name": self.full_name,
            "birth_year": self.birth_year,
            "reason": self.reason,
            "people": self.people,
        }


def duplicate_candidates() -> list[DuplicateGroup]:
    """The candidates among all namesakes (`people duplicates`)."""
    return _groups(_namesake_pairs(None, None))


def candidate_page(
    after: tuple[str, int] | None = None,
) -> tuple[list[DuplicateGroup], tuple[str, int] | None]:
    """The candidates among the next PAGE_PAIRS namesake pairs after `after` (the web list),
    and the pair the next page starts after (None at the end)."""
    pairs = _namesake_pairs(after, PAGE_PAIRS)
    return _groups(pairs), (pairs[-1] if len(pairs) == PAGE_PAIRS else None)


def _groups(pairs: list[tuple[str, int]]) -> list[DuplicateGroup]:
    if not pairs:
        return []
    wanted = set(pairs)
    groups: dict[tuple, list[Person]] = defaultdict(list)
    found = Person.objects.filter(_any_pair(pairs), merged_into=None).select_related("unit__parent")
    for person in found.order_by("id"):
        if (person.name_key, person.birth_year) in wanted:
            groups[(person.name_key, person.birth_year)].append(person)
    units = LazyUnits()
    result = [g for people in groups.values() for g in _similar_groups(people, units)]
    _add_counts(result)
    return sorted(result, key=lambda g: (g.full_name, g.birth_year))


def _any_pair(pairs: list[tuple[str, int]]) -> Q:
    """The people of these pairs: a page's are read pair by pair from the index; all of them
    (the command) by name keys and birth years, then kept by pair in `duplicate_candidates`."""
    if len(pairs) <= PAGE_PAIRS:
        return reduce(operator.or_, (Q(name_key=k, birth_year=y) for k, y in pairs))
    return Q(name_key__in={k for k, _y in pairs}, birth_year__in={y for _k, y in pairs})


def _namesake_pairs(after: tuple[str, int] | None, limit: int | None) -> list[tuple[str, int]]:
    """(name key, birth year) pairs held by more than one person. With a limit, read in the
    order of the (name_key, birth_year) index from `after` on: the database stops after
    `limit` pairs instead of grouping every person."""
    # The range on name_key, even from the start, makes SQLite read the index rather than
    # every person without a merge.
    people = Person.objects.filter(merged_into=None, birth_year__isnull=False, name_key__gte="")
    if after is not None:
        key, year = after
        people = people.filter(Q(name_key__gt=key) | Q(birth_year__gt=year), name_key__gte=key)
    pairs = (
        people.values("name_key", "birth_year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name_key", "birth_year")
        .values_list("name_key", "birth_year")
    )
    return list(pairs if limit is None else pairs[:limit])


class LazyUnits:
    """The units for the lineage test, every unit read (`UnitResolver`) only when needed: two
    units given by id are linked only when one of them has a successor (one small query)."""

    def __init__(self):
        self._matcher: PeopleMatcher | None = None
        self._predecessors: set[int] | None = None

    @property
    def units(self) -> UnitResolver:
        if self._matcher is None:
            self._matcher = PeopleMatcher()
        return self._matcher.units

    def may_link(self, a: Person, b: Person) -> bool:
        if not (a.unit_id and b.unit_id):
            return True  # a unit written as text: found by its name among all units
        if self._predecessors is None:
            self._predecessors = set(Lineage.objects.values_list("predecessor_id", flat=True))
        return bool({a.unit_id, b.unit_id} & self._predecessors)


def _similar_groups(people: list[Person], units: LazyUnits) -> list[DuplicateGroup]:
    """Connected components of 'same or similar unit' among namesakes of one birth year."""
    parent = list(range(len(people)))
    reasons: dict[int, str] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(people):
        for j in range(i + 1, len(people)):
            reason = similar_units(a, people[j], units)
            if reason and _spelled(a) != _spelled(people[j]):
                reason += _(" (họ tên viết khác dấu: cần đối chiếu)")
            if reason:
                parent[root(j)] = root(i)
                reasons.setdefault(root(i), reason)
    members: dict[int, list[Person]] = defaultdict(list)
    for i, person in enumerate(people):
        members[root(i)].append(person)
    return [
        DuplicateGroup(ps[0].full_name, ps[0].birth_year, reasons.get(r, ""), [_row(p) for p in ps])
        for r, ps in members.items()
        if len(ps) > 1
    ]


def similar_units(a: Person, b: Person, units: LazyUnits | None = None) -> str | None:
    """Why two namesakes may be one person, or None when their units tell them apart."""
    if a.unit_id and b.unit_id and a.unit_id == b.unit_id:
        return _("cùng đơn vị")
    linked = units and _linked(a, b, units)
    if linked:
        return linked
    if a.unit_id and b.unit_id:
        return None
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return _("một hồ sơ không ghi đơn vị")
    if ta == tb:
        return _("cùng tên đơn vị")
    if len(ta & tb) / len(ta | tb) >= _SIMILAR:
        return _("tên đơn vị gần giống")
    return None


def _linked(a: Person, b: Person, units: LazyUnits) -> str | None:
    """Two units that are one through the lineage (the 2025 merger): the department of Long An
    of 2024 and the department of Tây Ninh of 2025. Not the same unit: that is said apart."""
    if not units.may_link(a, b):
        return None
    found = [p.unit_id or units.units.find(p.unit_name) for p in (a, b)]
    if None in found or found[0] == found[1]:
        return None
    root = units.units.root(found[0])
    if root != units.units.root(found[1]):
        return None
    names = [units.units.name(pk) for pk in found]
    msg = _("đơn vị kế thừa nhau sau sắp xếp (%(a)s → %(b)s; nay là %(now)s)")
    return msg % {"a": names[0], "b": names[1], "now": units.units.name(root)}


def _spelled(person: Person) -> str:
    return " ".join(person.full_name.split()).casefold()


def _unit_text(person: Person) -> str:
    if person.unit_name:
        return person.unit_name
    if person.unit is None:
        return ""
    parent = person.unit.parent
    if parent and parent.name not in person.unit.name:
        return f"{person.unit.name} {parent.name}"
    return person.unit.name


def _tokens(person: Person) -> set[str]:
    return {t for t in unit_key(_unit_text(person)).split() if t not in _GENERIC}


def _row(person: Person) -> dict:
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "birth_year": person.birth_year,
        "unit": _unit_text(person),
        "unit_id": person.unit_id,
    }


def _add_counts(groups: list[DuplicateGroup]) -> None:
    ids = [p["id"] for g in groups for p in g.people]
    counts = {
        "ratings": _count_by_person(Rating, ids),
        "initiatives": _count_by_person(Initiative, ids),
        "awards": _count_by_person(AwardEntry, ids),
        "proposals": _count_by_person(Proposal, ids),
    }
    for g in groups:
        for p in g.people:
            p["records"] = {name: found.get(p["id"], 0) for name, found in counts.items()}


def _count_by_person(model, ids: list[int]) -> dict[int, int]:
    return dict(
        model.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )


# The merge


@dataclass
class MergeResult:
    keep: Person
    other: Person
    moved: dict[str, int]
    kept_on_other: list[int]  # years whose identical rating stays with the merged record

    def as_dict(self) -> dict:
        return {
            "keep": self.keep.pk,
            "other": self.other.pk,
            "moved": self.moved,
            "ratings_kept_on_other": self.kept_on_other,
        }


def merge_people(
    actor: Actor, keep: Person, other: Person, reason: str, *, via: str = "web"
) -> MergeResult:
    """Re-points every record of `other` to `keep` and marks `other` merged; deletes nothing."""
    perms.require(perms.is_board(actor), _("Chỉ Ban Thi đua – Khen thưởng được hợp nhất hồ sơ."))
    with transaction.atomic():
        keep = Person.objects.select_for_update().get(pk=keep.pk)
        other = Person.objects.select_for_update().get(pk=other.pk)
        same_years = _check_merge(keep, other, reason)
        moved = _repoint(keep, other, same_years)
        filled = _fill_blanks(keep, other)
        other.merged_into = keep
        other.save(update_fields=["merged_into"])
        changes = [
            Change(
                audit_actions.PERSON_MERGED,
                keep,
                {"other": other.pk},
                {"other": other.pk, "moved": moved, "filled": filled},
                reason.strip(),
            ),
            Change(
                audit_actions.PERSON_MERGED_INTO,
                other,
                {"merged_into": None},
                {"merged_into": keep.pk},
                reason.strip(),
            ),
        ]
        record_many(actor, changes, via=via)
    return MergeResult(keep, other, moved, sorted(same_years))


def _check_merge(keep: Person, other: Person, reason: str) -> set[int]:
    issues = []
    if keep.pk == other.pk:
        issues.append(Issue(_("Hai hồ sơ là một; không có gì để hợp nhất.")))
    if keep.merged_into_id or other.merged_into_id:
        issues.append(Issue(_("Một trong hai hồ sơ đã được hợp nhất trước đó.")))
    if not reason.strip():
        issues.append(Issue(_("Cần ghi lý do hợp nhất (đã đối chiếu những gì)."), column="reason"))
    mine = dict(Rating.objects.filter(person=keep).values_list("year", "rating"))
    theirs = dict(Rating.objects.filter(person=other).values_list("year", "rating"))
    clash = sorted(y for y in mine.keys() & theirs.keys() if mine[y] != theirs[y])
    if clash:
        msg = _("Xếp loại khác nhau ở năm %(years)s; hãy sửa trước khi hợp nhất.")
        issues.append(Issue(msg % {"years": ", ".join(map(str, clash))}, column="ratings"))
    if issues:
        raise ValidationFailed(issues)
    return set(mine.keys() & theirs.keys())


def _repoint(keep: Person, other: Person, same_years: set[int]) -> dict[str, int]:
    # A person has one rating a year: an identical one of `other` stays on the merged record.
    return {
        "ratings": Rating.objects.filter(person=other)
        .exclude(year__in=same_years)
        .update(person=keep),
        "initiatives": Initiative.objects.filter(person=other).update(person=keep),
        "awards": AwardEntry.objects.filter(person=other).update(person=keep),
        "proposals": Proposal.objects.filter(person=other).update(person=keep),
        "merged_earlier": Person.objects.filter(merged_into=other).update(merged_into=keep),
        # A year's unit already known for `keep` stays; the other years come over.
        "units_by_year": PersonUnit.objects.filter(person=other)
        .exclude(year__in=PersonUnit.objects.filter(person=keep).values("year"))
        .update(person=keep),
    }


def _fill_blanks(keep: Person, other: Person) -> list[str]:
    filled = [f for f in _FILLED_FROM_OTHER if not getattr(keep, f) and getattr(other, f)]
    for name in filled:
        setattr(keep, name, getattr(other, name))
    if filled:
        keep.save(update_fields=filled)
    return filled
