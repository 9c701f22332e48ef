"""Sorting a list page by a column: `?sort=<column>&dir=asc|desc` (issue 20).

Each page names the columns it sorts by (a whitelist); anything else in the query is ignored and
the page keeps its own order. The header links keep the other parameters (filters) and drop the
page number; the pager links keep the sort.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext as _

ASC, DESC = "asc", "desc"


@dataclass(frozen=True)
class Sort:
    """The column asked for (None: the page's own order) and its direction."""

    column: str | None
    descending: bool
    query: QueryDict

    @classmethod
    def of(cls, request, columns) -> Sort:
        column = request.GET.get("sort")
        descending = request.GET.get("dir") == DESC
        if column not in columns:
            column, descending = None, False
        return cls(column, descending, request.GET)

    def order(self, fields: tuple[str, ...], tiebreak: str = "id") -> list:
        """ORDER BY for the column's fields in the asked direction, empty values last on every
        database, the tiebreak last: the same rows always come in the same order, so a page
        never repeats or skips one."""
        if self.descending:
            keys = [F(f).desc(nulls_last=True) for f in fields]
            return [*keys, F(tiebreak).desc()]
        return [*(F(f).asc(nulls_last=True) for f in fields), F(tiebreak).asc()]

    def sorted(self, rows: list, key) -> list:
        """A bounded list in Python; rows without a value (None) last in either direction."""
        present = [r for r in rows if key(r) is not None]
        missing = [r for r in rows if key(r) is None]
        return sorted(present, key=key, reverse=self.descending) + missing

    def header(self, column: str, label: str) -> dict:
        """What a header cell needs: the link, the arrow and aria-sort."""
        query = self.query.copy()
        query.pop("page", None)
        active = column == self.column
        query["sort"] = column
        query["dir"] = DESC if active and not self.descending else ASC
        if active:
            aria = "descending" if self.descending else "ascending"
            arrow = "▼" if self.descending else "▲"
            hint = _("đang xếp giảm dần") if self.descending else _("đang xếp tăng dần")
        else:
            aria, arrow, hint = "none", "", _("bấm để sắp xếp")
        return {
            "url": "?" + query.urlencode(),
            "label": label,
            "aria": aria,
            "arrow": arrow,
            "hint": hint,
        }
