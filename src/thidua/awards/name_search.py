"""Registry search by name: the full name or its leading words, without regard to diacritics.

Every step is a range or an equality on the `name_key` b-tree indexes, so a search costs a few
index look-ups whatever the size of the registry:

1. the same key (the exact spelling as typed first: "Hùng" before "Hưng");
2. names that begin with the key ("Nguyễn Văn" finds "Nguyễn Văn Hùng"), in name order;
3. only when 1 and 2 find nothing: the same names with one word one typo away from a word of the
   registry (the `NameWord` dictionary), e.g. "Nguyen Van Hunh" → "Nguyễn Văn Hùng", taking
   the corrected names in turn so that each shows on the first page;
4. only when that finds nothing either: the key anywhere in the name ("Hùng" alone): the
   distinct name keys that hold it, through a trigram index over the keys (pg_trgm's GIN index
   on PostgreSQL, an FTS5 trigram table on SQLite: migration awards 0013), then their records.
   A trigram needs three letters: a key whose words are all shorter ("Lê Vũ", "an") skips this
   step, since every such search would read the whole registry.

`Hits` chains these querysets behind one sliceable, countable list, so the pages paginate it and
the API and exports slice it like a queryset.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Q, QuerySet

from thidua.awards.models import AwardEntry, NameWord
from thidua.common.text import name_key

# Letters a typo may bring in: the keys are lower case without diacritics.
_ALPHABET = string.ascii_lowercase + string.digits
# A count beyond this is reported as "more than": pages stop at MAX_PAGES anyway.
COUNT_CAP = 10_000


class Hits:
    """The search steps' querysets, in order, behind one list that slices and counts lazily.

    `fallback` gives the steps (and their own fallback) to use instead when these find nothing;
    it is only called then, so a search that finds something costs no query to find out."""

    def __init__(self, steps: list, cap: int = COUNT_CAP, fallback=None, approximate: bool = False):
        self.steps = steps
        self.cap = cap
        self.fallback = fallback
        # True when the hits are not the name as typed nor names beginning with it, but
        # corrections of it or names containing it: the pages say so.
        self.approximate = approximate
        self._counts: list[int] = []

    def count(self) -> int:
        total = sum(self._step_counts())
        while total == 0 and self._fall_back():
            total = sum(self._step_counts())
        self.fallback = None  # settled: these steps hold the hits
        return total

    def __len__(self) -> int:
        return self.count()

    def _fall_back(self) -> bool:
        if self.fallback is None:
            return False
        self.steps, self.fallback = self.fallback()
        self._counts = []
        self.approximate = True
        return True

    def _step_counts(self) -> list[int]:
        if not self._counts:
            left = self.cap
            for step in self.steps:
                n = _capped_count(step, left) if left > 0 else 0
                self._counts.append(n)
                left -= n
        return self._counts

    def __getitem__(self, item):
        if isinstance(item, int):
            found = self[item : item + 1]
            if not found:
                raise IndexError(item)
            return found[0]
        start, stop = item.start or 0, item.stop
        if stop is not None and stop <= start:
            return []
        if start and self.fallback is not None:
            self.count()  # past the first row: settle first which steps hold the hits
        found = self._slice(start, stop)
        while not found and self._fall_back():
            found = self._slice(start, stop)
        self.fallback = None
        return found

    def _slice(self, start: int, stop: int | None) -> list[AwardEntry]:
        skip, out = start, []
        for step in self.steps:
            want = None if stop is None else stop - start - len(out)
            if want is not None and want <= 0:
                break
            rows = list(step[skip:] if want is None else step[skip : skip + want])
            if rows:
                out += rows
                skip = 0
            elif skip:  # this step holds fewer rows than the offset: skip them all
                skip = max(0, skip - step.count())
        return out

    def __iter__(self):
        return iter(self[:])


def matching(
    query: str,
    *,
    born: int | None = None,
    award: str | None = None,
    year: int | None = None,
    unit: str | None = None,
) -> Hits:
    """The ordered hits behind `search`, for the pages that paginate and export them."""
    key = name_key(query)
    base = _filtered(born=born, award=award, year=year, unit=unit)
    if not key:
        return Hits([base.order_by("name_key", "-year", "id")])
    if not NameWord.objects.filter(word=key.split()[-1]).exists():
        # No name in the registry has this last word: it is misspelt or cut short. The
        # corrections and the completions, in turn ("Nguyễn Kim Hư": Thư, Huệ, Hương…).
        near = one_typo_keys(key)
        either = RoundRobin(base, Q(name_key__in=near), _begins(key), first=near)
        return Hits([either], fallback=lambda: _anywhere(base, key), approximate=True)
    same = base.filter(name_key=key)
    after = base.filter(_begins(key)).exclude(name_key=key)
    spellings = _spellings(query)
    # Each step walks the (name_key, year) index newest first and stops at the page's end.
    first = SameKey(same, Q(recipient_name__in=spellings)) if spellings else same
    steps = [first.order_by("-year", "id"), after.order_by("name_key", "-year", "id")]
    return Hits(steps, fallback=lambda: _corrected(base, key))


class SameKey(Hits):
    """The records of one key, the spelling as typed first ("Hùng" before "Hưng"), counted as
    one: the key's count reads only the (name_key, year) index, where counting the spelling
    reads every record of the key (~80 ms for "Nguyễn Văn Hùng", 20,000 records at 10M)."""

    def __init__(self, same: QuerySet, as_typed: Q, order: tuple[str, ...] = ()):
        super().__init__(
            [same.filter(as_typed).order_by(*order), same.exclude(as_typed).order_by(*order)]
        )
        self.same, self.as_typed = same, as_typed

    def order_by(self, *order: str) -> SameKey:
        return SameKey(self.same, self.as_typed, order)

    def count(self) -> int:
        """Exact, on the index: what a slice past these records skips."""
        return self.same.count()

    def capped_count(self, cap: int) -> int:
        return self.same.order_by().values("pk")[:cap].count()


def _corrected(base: QuerySet, key: str) -> tuple[list, object]:
    """One typo corrected; failing that, the key anywhere in the name."""
    near = one_typo_keys(key)
    if near:
        return [RoundRobin(base, Q(name_key__in=near))], lambda: _anywhere(base, key)
    return _anywhere(base, key)


# The shortest word of a key the anywhere step takes: a trigram index needs three letters.
ANYWHERE_MIN_WORD = 3
# A key inside more distinct names than this is common ("hung"): its first page comes at once
# along the name_key b-tree in name order, where an IN list of its names would sort thousands.
ANYWHERE_KEYS = 200
# Migration awards 0013: every name key of the registry, kept by triggers, and its trigram index
# (pg_trgm's GIN on PostgreSQL, this FTS5 table on SQLite).
NAME_KEYS, NAME_KEYS_FTS = "awards_namekey", "awards_namekey_fts"


def _anywhere(base: QuerySet, key: str) -> tuple[list[QuerySet | IdsFirst], None]:
    if max(len(word) for word in key.split()) < ANYWHERE_MIN_WORD:
        return [], None
    keys = keys_containing(key, limit=ANYWHERE_KEYS + 1)
    if keys is None:
        step = base.filter(name_key__contains=key).order_by("name_key", "-year", "id")
        return [IdsFirst(step) if connection.vendor == "sqlite" else step], None
    return [base.filter(name_key__in=keys).order_by("name_key", "-year", "id")], None


class IdsFirst:
    """A step read in two queries: the page's ids, then their records.

    For a key in many names ("hung", "thi"): asked for whole records, SQLite reads the whole
    (birth_year, name_key) index, which holds the key, and sorts every match (1.8–6 s at 10M
    records); asked for the ids alone, it walks the (name_key, year) index in order and stops
    at the page's end (under 1 ms)."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def __getitem__(self, item: slice) -> list[AwardEntry]:
        ids = list(self.queryset.values_list("pk", flat=True)[item])
        found = self.queryset.order_by().in_bulk(ids)
        return [found[pk] for pk in ids]

    def __iter__(self):
        return iter(self[:])

    def count(self) -> int:
        return self.queryset.count()

    def order_by(self) -> QuerySet:
        return self.queryset.order_by()


def keys_containing(key: str, *, limit: int) -> list[str] | None:
    """The distinct name keys of the registry that hold `key`, read in the trigram index over
    the keys (~86 times fewer than the records at national scale); None when the index gives
    `limit` or more. The index's LIKE may give more than the key (SQLite's takes % and _ in it
    as wildcards), so the exact test follows, and the limit counts what the index gave: a key
    with wildcards cannot push its true matches past the limit unseen."""
    if connection.vendor == "sqlite":
        sql = f"SELECT key FROM {NAME_KEYS_FTS} WHERE key LIKE %s LIMIT %s"
        pattern = f"%{key}%"
    else:
        sql = f"SELECT key FROM {NAME_KEYS} WHERE key LIKE %s LIMIT %s"
        pattern = f"%{connection.ops.prep_for_like_query(key)}%"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pattern, limit])
        rows = cursor.fetchall()
    if len(rows) >= limit:
        return None
    return [found for (found,) in rows if key in found]


def by_name(*, descending: bool = False, **filters) -> Hits:
    """Every filtered record in name order, read along the (name_key, year) index (or the
    (birth_year, name_key) one with a birth year): a sort any number of records can take."""
    sign = "-" if descending else ""
    return Hits([_filtered(**filters).order_by(sign + "name_key", sign + "year", sign + "id")])


def search(query: str, *, limit: int = 50, **filters) -> list[AwardEntry]:
    return matching(query, **filters)[:limit]


def _filtered(*, born, award, year, unit) -> QuerySet:
    qs = AwardEntry.objects.select_related("award_type")
    if born:
        qs = qs.filter(birth_year=born)
    if award:
        qs = qs.filter(Q(award_type__code=award) | Q(award_type__name_key=name_key(award)))
    if year:
        qs = qs.filter(year=year)
    if unit:
        qs = qs.filter(unit_name__icontains=unit)
    return qs


class RoundRobin:
    """The records of several names in turn: the newest of each name first (the keys `first`
    before the others, then the most common names), then the second of each…, so that one
    common namesake cannot fill the first page.

    One query counts the records of each name (an index-only GROUP BY); a slice then reads, for
    each name it reaches, only its own newest records through the (name_key, year) index: a
    window function over every record of the names would read tens of thousands of rows."""

    def __init__(self, base: QuerySet, *parts: Q, first: list[str] | None = None):
        self.base = base
        self.parts = parts  # counted one by one: an OR of them would defeat index-only scans
        self.first = set(first or ())
        self._names: list[tuple[str, int]] | None = None

    def names(self) -> list[tuple[str, int]]:
        if self._names is None:
            counts: dict[str, int] = {}
            for part in self.parts:
                per_name = self.base.filter(part).values("name_key").annotate(n=Count("*"))
                counts |= dict(per_name.values_list("name_key", "n"))
            order = sorted(counts.items(), key=lambda kn: (kn[0] not in self.first, -kn[1], kn[0]))
            self._names = order
        return self._names

    def count(self) -> int:
        return sum(n for _key, n in self.names())

    def __getitem__(self, item: slice) -> list[AwardEntry]:
        start, stop = item.start or 0, item.stop
        stop = self.count() if stop is None else min(stop, self.count())
        turns = self._turns(start, stop)
        found: dict[tuple[str, int], AwardEntry] = {}
        for key in dict.fromkeys(k for k, _nth in turns):
            nths = [nth for k, nth in turns if k == key]
            newest = self.base.filter(name_key=key).order_by("-year", "id")
            records = newest[min(nths) : max(nths) + 1]
            found |= {(key, nth): e for nth, e in enumerate(records, start=min(nths))}
        return [found[turn] for turn in turns if turn in found]

    def _turns(self, start: int, stop: int) -> list[tuple[str, int]]:
        """(name, n-th newest record of it) for the positions start..stop-1."""
        turns, position, nth = [], 0, 0
        names = self.names()
        while position < stop and names:
            names = [(k, n) for k, n in names if n > nth]
            for key, _n in names:
                if position >= stop:
                    break
                if position >= start:
                    turns.append((key, nth))
                position += 1
            nth += 1
        return turns


def _capped_count(step, cap: int) -> int:
    if isinstance(step, RoundRobin):
        return min(step.count(), cap)
    if isinstance(step, SameKey):
        return step.capped_count(cap)
    # Without the order: else the planner walks the order's index to count ("hung": 230,000
    # records read in name order at 1M) where a bitmap or sequential scan stops sooner.
    return step.order_by().values("pk")[:cap].count()


def _begins(key: str) -> Q:
    """`name_key` starts with `key`: a range the b-tree serves. Under a linguistic collation the
    range may hold a few other names, so the exact test goes beside it there; under a binary one
    (SQLite, PostgreSQL's C) it would only make the planner expect too few rows."""
    upper = key[:-1] + chr(ord(key[-1]) + 1)
    within = Q(name_key__gte=key, name_key__lt=upper)
    return within if _binary_collation() else within & Q(name_key__startswith=key)


_BINARY = {"c", "posix", "c.utf8", "c.utf-8", "ucs_basic"}
_collations: dict[str, bool] = {}


def _binary_collation() -> bool:
    if connection.vendor != "postgresql":
        return True
    name = connection.settings_dict["NAME"]
    if name not in _collations:
        with connection.cursor() as cursor:
            cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
            _collations[name] = cursor.fetchone()[0].lower() in _BINARY
    return _collations[name]


def _spellings(query: str) -> set[str]:
    """The query as typed, in title and upper case: ranked first when it carries diacritics.
    Without diacritics every spelling of the key is equally close."""
    typed = " ".join(query.split())
    if typed.lower() == name_key(typed):
        return set()
    return {typed, typed.title(), typed.upper(), typed.lower()}


def one_typo_keys(key: str) -> list[str]:
    """Keys that differ from `key` in one word by one typo, where that word is in the registry."""
    words = key.split()
    edits = {i: _edits(word) for i, word in enumerate(words)}
    known = set(
        NameWord.objects.filter(word__in=set().union(*edits.values())).values_list(
            "word", flat=True
        )
    )
    keys = []
    for i, candidates in edits.items():
        for word in sorted(candidates & known):
            keys.append(" ".join([*words[:i], word, *words[i + 1 :]]))
    return keys


def _edits(word: str) -> set[str]:
    """Every string one deletion, transposition, replacement or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _ALPHABET}
    return (deletes | swaps | replaces | inserts) - {word, ""}


def remember_words(keys: Iterable[str]) -> None:
    """Add the words of these name keys to the dictionary the one-typo search corrects against.

    One statement whatever the number of words (executemany), so an import's query count stays
    constant."""
    words = {w for key in set(keys) for w in key.split() if len(w) <= 60}
    if not words:
        return
    table = connection.ops.quote_name(NameWord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (word) VALUES (%s) ON CONFLICT DO NOTHING",
            [(w,) for w in sorted(words)],
        )


def rebuild_words() -> int:
    """The dictionary from every key in the registry (after a bulk load that bypassed import)."""
    keys = AwardEntry.objects.values_list("name_key", flat=True).distinct().iterator(50_000)
    remember_words(keys)
    return NameWord.objects.count()


def nearest_names(query: str, *, limit: int = 5) -> list[str]:
    """For a search that found nothing: registry names that share the longest run of leading
    words with the query ("Nguyễn Văn Anh" → "Nguyễn Văn An", "Nguyễn Văn Bình"…), dropping the
    last word until some begin so. A range on the `name_key` index per word dropped, at most."""
    words = name_key(query).split()
    for n in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:n]) + " "
        names = (
            AwardEntry.objects.filter(_begins(prefix))
            .order_by("name_key")
            .values_list("recipient_name", flat=True)[: limit * 20]
        )
        found = list(dict.fromkeys(names))[:limit]
        if found:
            return found
    return []
