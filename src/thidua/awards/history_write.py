"""The write of a checked history file: people matched or created, then ratings, initiatives
and units by year created or corrected in bulk. A row that changes nothing is unchanged."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from thidua.accounts.audit import Change
from thidua.awards import audit_actions
from thidua.awards.models import Initiative, Person, PersonUnit, Rating
from thidua.awards.people_match import PeopleMatcher, written
from thidua.common.errors import Issue
from thidua.common.text import name_key
from thidua.orgs.lineage import UnitResolver


@dataclass
class Outcome:
    written: int = 0
    people_created: int = 0
    errors: list[Issue] = field(default_factory=list)
    corrected: list[dict] = field(default_factory=list)  # ratings changed: audited one by one

    def changes(self, source, result) -> list[Change]:
        summary = {
            "rows": result.written,
            "unchanged": result.unchanged,
            "people_created": result.people_created,
            "ratings_corrected": self.corrected,
            "file": str(source),
        }
        return [
            Change(
                audit_actions.HISTORIES_IMPORTED,
                None,
                None,
                summary,
                object_type="awards.histories",
                object_id="import",
            )
        ]


def write_histories(rows: list, units: UnitResolver, *, dry_run: bool) -> Outcome:
    outcome = Outcome()
    matcher = PeopleMatcher(units)
    identities = [_identity(matcher, r) if not r.collective else None for r in rows]
    people = _people(rows, identities, matcher, outcome, dry_run)
    subjects = [
        ("u", r.unit_id) if r.collective else ("p", p) for r, p in zip(rows, people, strict=True)
    ]
    _conflicts(rows, subjects, outcome.errors)
    if outcome.errors:
        return outcome
    plan = _Plan(rows, subjects)
    outcome.written = plan.count()
    outcome.corrected = plan.corrected
    if not dry_run:
        plan.save()
        _current_units(rows, people, plan.years_before)
    return outcome


def _identity(matcher: PeopleMatcher, row) -> tuple:
    return matcher.identity(row.full_name, row.born, matcher.anchor(row.unit_id, row.unit_text))


def _people(rows, identities, matcher, outcome: Outcome, dry_run: bool) -> list[int | None]:
    found = matcher.match(i for i in identities if i is not None)
    latest: dict[tuple, object] = {}  # identity → its row of the latest year
    for row, ident in zip(rows, identities, strict=True):
        if ident is not None and ident not in found:
            if ident not in latest or row.year >= latest[ident].year:
                latest[ident] = row
    outcome.people_created = len(latest)
    if dry_run:
        found.update((ident, -n) for n, ident in enumerate(latest, start=1))
    else:
        made = Person.objects.bulk_create(
            [
                Person(
                    full_name=r.full_name,
                    name_key=name_key(r.full_name),
                    birth_year=r.born,
                    unit_id=r.unit_id,
                    unit_name=r.unit_text,
                )
                for r in latest.values()
            ]
        )
        found.update((ident, p.pk) for ident, p in zip(latest, made, strict=True))
    return [found[i] if i is not None else None for i in identities]


def _conflicts(rows, subjects, errors: list[Issue]) -> None:
    seen: dict[tuple, object] = {}
    for row, subject in zip(rows, subjects, strict=True):
        if row.rating is None:
            continue
        first = seen.setdefault((subject, row.year), row)
        if first.rating != row.rating:
            msg = _("Cùng người (hoặc tập thể), cùng năm %(y)s với dòng %(n)s nhưng khác xếp loại.")
            errors.append(
                Issue(msg % {"y": row.year, "n": first.number}, row=row.number, column="rating")
            )


class _Plan:
    """What each row changes, from the stored records of the file's subjects (four queries)."""

    def __init__(self, rows, subjects):
        self.rows, self.subjects = rows, subjects
        persons = {s[1] for s in subjects if s[0] == "p" and s[1] > 0}
        units = {s[1] for s in subjects if s[0] == "u"}
        self.ratings = {
            (("p", p) if p else ("u", u), y): obj
            for obj, p, u, y in (
                (r, r.person_id, r.unit_id, r.year)
                for r in list(Rating.objects.filter(person_id__in=persons))
                + list(Rating.objects.filter(unit_id__in=units))
            )
        }
        self.initiatives = {
            (i.person_id, i.year, written(i.title)): i
            for i in Initiative.objects.filter(person_id__in=persons)
        }
        self.units = {
            (u.person_id, u.year): u for u in PersonUnit.objects.filter(person_id__in=persons)
        }
        self.years_before: dict[int, int] = {}
        for person, year in self.units:
            self.years_before[person] = max(year, self.years_before.get(person, 0))
        self.new: dict[type, list] = {Rating: [], Initiative: [], PersonUnit: []}
        self.changed: dict[type, list] = {Rating: [], Initiative: [], PersonUnit: []}
        self.corrected: list[dict] = []

    def count(self) -> int:
        return sum(
            self._row(row, subject) for row, subject in zip(self.rows, self.subjects, strict=True)
        )

    def _row(self, row, subject) -> bool:
        changed = False
        if row.rating is not None:
            changed |= self._rating(row, subject)
        if row.initiative:
            changed |= self._initiative(row, subject[1])
        if not row.collective and (row.unit_id or row.unit_text):
            changed |= self._unit(row, subject[1])
        return changed

    def _rating(self, row, subject) -> bool:
        stored = self.ratings.get((subject, row.year))
        if stored is None:
            who = {"person_id": subject[1]} if subject[0] == "p" else {"unit_id": subject[1]}
            stored = self.ratings[(subject, row.year)] = Rating(
                year=row.year, rating=row.rating, **who
            )
            self.new[Rating].append(stored)
            return True
        if stored.rating == row.rating:
            return False
        self.corrected.append(
            {
                "subject": list(subject),
                "year": row.year,
                "before": stored.rating,
                "after": row.rating,
            }
        )
        stored.rating = row.rating
        if stored.pk:
            self.changed[Rating].append(stored)
        return True

    def _initiative(self, row, person: int) -> bool:
        key = (person, row.year, written(row.initiative))
        stored = self.initiatives.get(key)
        if stored is None:
            stored = Initiative(
                person_id=person, year=row.year, title=row.initiative, scope=row.scope
            )
            self.initiatives[key] = stored
            self.new[Initiative].append(stored)
            return True
        if stored.scope == row.scope:
            return False
        stored.scope = row.scope
        if stored.pk:
            self.changed[Initiative].append(stored)
        return True

    def _unit(self, row, person: int) -> bool:
        stored = self.units.get((person, row.year))
        if stored is None:
            stored = PersonUnit(
                person_id=person, year=row.year, unit_id=row.unit_id, unit_name=row.unit_text
            )
            self.units[(person, row.year)] = stored
            self.new[PersonUnit].append(stored)
            return True
        if (stored.unit_id, stored.unit_name) == (row.unit_id, row.unit_text):
            return False
        stored.unit_id, stored.unit_name = row.unit_id, row.unit_text
        if stored.pk:
            self.changed[PersonUnit].append(stored)
        return True

    def save(self) -> None:
        fields = {Rating: ["rating"], Initiative: ["scope"], PersonUnit: ["unit", "unit_name"]}
        for model, objects in self.new.items():
            model.objects.bulk_create(objects)
        for model, objects in self.changed.items():
            if objects:
                model.objects.bulk_update(list({id(o): o for o in objects}.values()), fields[model])


def _current_units(rows, people, years_before: dict[int, int]) -> None:
    """A person's unit is the one of the latest year known: moved when the file is newer."""
    latest: dict[int, object] = {}
    for row, person in zip(rows, people, strict=True):
        if person and (row.unit_id or row.unit_text):
            if person not in latest or row.year >= latest[person].year:
                latest[person] = row
    moving = {p: r for p, r in latest.items() if r.year >= years_before.get(p, 0)}
    stale = [
        p
        for p in Person.objects.filter(pk__in=moving).only("id", "unit_id", "unit_name")
        if (p.unit_id, p.unit_name) != (moving[p.pk].unit_id, moving[p.pk].unit_text)
    ]
    for p in stale:
        p.unit_id, p.unit_name = moving[p.pk].unit_id, moving[p.pk].unit_text
    Person.objects.bulk_update(stale, ["unit", "unit_name"])
