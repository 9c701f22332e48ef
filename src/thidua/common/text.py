"""Names as people type them: one normalised key for matching and search."""

from __future__ import annotations

import re
import unicodedata

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
