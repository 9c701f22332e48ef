"""Names as people type them: one normalised key for matching and search."""

from __future__ import annotations

import re
import unicodedata

from django.db.models import Model
from django.utils.translation import gettext as _

_UNIT_PREFIXES = (
    "thanh pho truc thuoc trung uong",
    "thanh pho",
    "tinh",
    "tp.",
    "tp",
    "t.p.",
    "t.",
)
_SPACES = re.compile(r"\s+")


def name_key(text: str) -> str:
    """Lower case, no diacritics, đ→d, single spaces: 'Đặng Đức' → 'dang duc'."""
    text = unicodedata.normalize("NFD", str(text).replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().lower()


def unit_key(text: str) -> str:
    """Key for a unit name without administrative prefixes: 'TP. Hồ Chí Minh' → 'ho chi minh'."""
    key = name_key(text).replace("-", " ").replace("–", " ")
    key = _SPACES.sub(" ", key)
    changed = True
    while changed:
        changed = False
        for prefix in _UNIT_PREFIXES:
            if key.startswith(prefix + " ") or (prefix.endswith(".") and key.startswith(prefix)):
                key = key[len(prefix) :].strip()
                changed = True
    return key


NUL = "\x00"


def nul_message(where: str) -> str:
    """PostgreSQL cannot store text holding a NUL character: it is refused wherever it comes in."""
    return _("Ký tự NUL (mã 0) không được phép trong %(where)s.") % {"where": where}


# Control characters: C0 (NUL among them: PostgreSQL cannot store it), DEL and C1. Tab and line
# breaks are allowed in multi-line text (notes, justifications), nowhere else.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def text_problem(text: str, limit: int, *, lines: bool = False) -> str | None:
    """Why a text read from a file cannot be stored in a field of `limit` characters, or None."""
    if len(text) > limit:
        return _("Dài %(n)s ký tự, vượt giới hạn %(max)s ký tự.") % {"n": len(text), "max": limit}
    if text.isprintable():  # the usual case, in C; NBSP and the like fall through to the search
        return None
    found = (_CONTROL if lines else _CONTROL_OR_BREAK).search(text)
    if found:
        return _("Có ký tự điều khiển không được phép (mã %(code)s).") % {"code": ord(found[0])}
    return None


def over_column(model: type[Model], name: str, text: str) -> str | None:
    """Why `text` does not fit the column `name` of `model`, or None: refused on every database
    (SQLite would keep it whole, PostgreSQL would fail)."""
    limit = getattr(model._meta.get_field(name), "max_length", None)
    if limit is None or len(text) <= limit:
        return None
    msg = _("%(field)s dài %(n)s ký tự, quá giới hạn %(max)s ký tự.")
    return msg % {"field": name, "n": len(text), "max": limit}


def shown(text: str, limit: int = 60) -> str:
    """A long text cut for an error message: the start is enough to find the cell."""
    text = _CONTROL_OR_BREAK.sub("\ufffd", text[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "…"
