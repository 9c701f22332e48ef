"""Award names as registries write them: aliases, patterns, and the board's mappings.

A name is matched on its key: no case, diacritics, punctuation or extra spaces. The award's
code and name match first, then an alias, then the longest pattern whose words begin the name
(“Giấy khen của Giám đốc Sở …” names every director's Giấy khen). A key names one award only,
so two awards are never confused: an alias that would name a second award is refused.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import Change, record_many
from thidua.awards import audit_actions
from thidua.awards.models import AliasOrigin, AwardAlias, AwardType
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.text import name_key

_PUNCT = re.compile(r"[.,;:()\[\]\"“”'‘’/\\–—-]+")
_ELLIPSIS = ("…", "...")


def alias_key(text: str) -> str:
    """'Bằng khen của Chủ tịch  UBND tỉnh.' → 'bang khen cua chu tich ubnd tinh'."""
    return " ".join(_PUNCT.sub(" ", name_key(text)).split())


def stored_key(text: str) -> tuple[str, bool]:
    """The key an alias is stored under (a pattern's ends in “ …”: the exact name and the
    pattern that begins with it are two aliases), and whether it is a pattern."""
    shown, pattern = split_pattern(text)
    return alias_key(shown) + (" …" if pattern else ""), pattern


def split_pattern(text: str) -> tuple[str, bool]:
    """The text without its trailing “…”, and whether it is a pattern."""
    stripped = text.strip()
    for mark in _ELLIPSIS:
        if stripped.endswith(mark):
            return stripped[: -len(mark)].strip(), True
    return stripped, False


class Matcher:
    """Every name the catalogue and the board know, read once (two queries)."""

    def __init__(self) -> None:
        self.exact: dict[str, int] = {}
        self.names: dict[int, str] = {}
        for pk, code, name in AwardType.objects.values_list("pk", "code", "name"):
            self.exact[alias_key(code)] = pk
            self.exact[alias_key(name)] = pk
            self.names[pk] = name
        self.patterns: list[tuple[str, int]] = []
        for award_id, key, pattern in AwardAlias.objects.values_list(
            "award_type_id", "key", "pattern"
        ):
            if pattern:
                self.patterns.append((key.removesuffix(" …"), award_id))
            else:
                self.exact.setdefault(key, award_id)
        self.patterns.sort(key=lambda p: -len(p[0]))

    def find(self, text: str) -> int | None:
        key = alias_key(text)
        if not key:
            return None
        found = self.exact.get(key)
        if found is not None:
            return found
        for prefix, award_id in self.patterns:
            if key == prefix or key.startswith(prefix + " "):
                return award_id
        return None

    def add(self, text: str, award_id: int) -> None:
        self.exact[alias_key(text)] = award_id


def load_aliases(award: AwardType, texts: list[str]) -> int:
    """The catalogue's aliases of one award; an alias already stored is left as it is."""
    created = 0
    for text in texts:
        key, pattern = stored_key(text)
        stored = AwardAlias.objects.filter(key=key).select_related("award_type").first()
        if stored is not None:
            if stored.award_type_id != award.pk:
                from thidua.awards.catalogue import CatalogueError

                raise CatalogueError(
                    f"Alias “{text}” of {award.code} already names {stored.award_type.code}."
                )
            continue
        AwardAlias.objects.create(
            award_type=award, text=text, key=key, pattern=pattern, origin=AliasOrigin.CATALOGUE
        )
        created += 1
    return created


def parse_mapping(items: list[str]) -> dict[str, str]:
    """`--map "Tên trong tệp=CODE"` (repeatable) → {name: code}; a bad item is refused."""
    mapping: dict[str, str] = {}
    problems = []
    for item in items:
        name, sep, code = item.rpartition("=")
        if not sep or not name.strip() or not code.strip():
            problems.append(
                Issue(_("Ánh xạ “%(m)s” phải có dạng “Tên trong tệp=MÃ”.") % {"m": item})
            )
            continue
        mapping[name.strip()] = code.strip()
    if problems:
        raise ValidationFailed(problems)
    return mapping


def resolve_mapping(mapping: dict[str, str], matcher: Matcher) -> dict[str, int]:
    """Each mapped name → its award id; an unknown code, or a name that already names another
    award, is refused (a mapping never makes two awards share a name)."""
    codes = dict(AwardType.objects.values_list("code", "pk"))
    by_key = {alias_key(c): pk for c, pk in codes.items()}
    resolved, problems = {}, []
    for name, code in mapping.items():
        award_id = codes.get(code) or by_key.get(alias_key(code))
        if award_id is None:
            msg = _("Ánh xạ “%(n)s=%(c)s”: không có hình thức khen thưởng mã “%(c)s”.")
            problems.append(Issue(msg % {"n": name, "c": code}, column="award", value=code))
            continue
        known = matcher.find(name)
        if known is not None and known != award_id:
            msg = _("Ánh xạ “%(n)s=%(c)s”: “%(n)s” đã là tên của “%(a)s”.")
            problems.append(
                Issue(msg % {"n": name, "c": code, "a": matcher.names[known]}, column="award")
            )
            continue
        resolved[name] = award_id
    if problems:
        raise ValidationFailed(problems)
    return resolved


def add_alias(
    actor: Actor, text: str, award: AwardType, *, origin: str = AliasOrigin.BOARD, via: str = "web"
) -> AwardAlias | None:
    """The board adds a name for an award (audited). None when the name is already the award's;
    refused when it names another award."""
    perms.require(perms.is_board(actor))
    return save_aliases(actor, {text: award.pk}, origin=origin, via=via)[0] if text else None


def save_aliases(actor: Actor | None, names: dict[str, int], *, origin: str, via: str) -> list:
    """Keep mapped names as aliases in one transaction with one audit entry each; names the
    matcher already knows for the same award are skipped."""
    matcher = Matcher()
    made: list[AwardAlias | None] = []
    changes = []
    with transaction.atomic():
        for text, award_id in names.items():
            key, pattern = stored_key(text)
            known = matcher.find(split_pattern(text)[0]) if not pattern else None
            if known is not None and known != award_id:
                msg = _("“%(n)s” đã là tên của “%(a)s”.")
                raise ValidationFailed([Issue(msg % {"n": text, "a": matcher.names[known]})])
            if known == award_id or AwardAlias.objects.filter(key=key).exists():
                made.append(None)
                continue
            alias = AwardAlias.objects.create(
                award_type_id=award_id, text=text, key=key, pattern=pattern, origin=origin
            )
            made.append(alias)
            after = {"text": text, "award": alias.award_type.code, "origin": origin}
            changes.append(Change(audit_actions.ALIAS_ADDED, alias, None, after))
        record_many(actor, changes, via=via)
    return made


@transaction.atomic
def remove_alias(actor: Actor, alias: AwardAlias, *, via: str = "web") -> None:
    perms.require(perms.is_board(actor))
    before = {"text": alias.text, "award": alias.award_type.code, "origin": alias.origin}
    record_many(actor, [Change(audit_actions.ALIAS_REMOVED, alias, before, None)], via=via)
    alias.delete()
