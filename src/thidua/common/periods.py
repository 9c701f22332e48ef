"""Period codes: 2019 (year), 2019H1, 2019Q3, 2019M09 (September), 2019M9 (first nine months)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

YEAR, HALF, QUARTER, MONTH, CUMULATIVE = "Y", "H", "Q", "M", "C"

# ASCII digits only: \d would also take "２０１９" or "٢٠١٩" and store them as 2019.
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?P<kind>[HQM])(?P<num>\d{1,2}))?$", re.ASCII)


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str
    number: int  # half, quarter, month or count of months; 0 for a year

    @property
    def code(self) -> str:
        if self.kind == YEAR:
            return str(self.year)
        if self.kind == MONTH:
            return f"{self.year}M{self.number:02d}"
        if self.kind == CUMULATIVE:
            return f"{self.year}M{self.number}"
        return f"{self.year}{self.kind}{self.number}"

    @property
    def start(self) -> date:
        if self.kind == HALF:
            return date(self.year, 1 + 6 * (self.number - 1), 1)
        if self.kind == QUARTER:
            return date(self.year, 1 + 3 * (self.number - 1), 1)
        if self.kind == MONTH:
            return date(self.year, self.number, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        last_month = {
            YEAR: 12,
            HALF: 6 * self.number,
            QUARTER: 3 * self.number,
            MONTH: self.number,
            CUMULATIVE: self.number,
        }[self.kind]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def year_period(self) -> Period:
        return Period(self.year, YEAR, 0)

    def within(self) -> list[str]:
        """The codes of every period of the year that lies within this one (itself included).

        A review of this period reads the values of these periods' reports: the year's review
        takes a year's plan from the mid-year report, never the other way round.
        """
        kinds = [(YEAR, [0]), (HALF, [1, 2]), (QUARTER, [1, 2, 3, 4])]
        kinds += [(MONTH, list(range(1, 13))), (CUMULATIVE, list(range(1, 10)))]
        inside = (Period(self.year, k, n) for k, numbers in kinds for n in numbers)
        return [q.code for q in inside if self.start <= q.start and q.end <= self.end]

    def previous_year(self) -> Period:
        return Period(self.year - 1, self.kind, self.number)

    def label(self) -> str:
        if self.kind == YEAR:
            return _("Năm %(year)s") % {"year": self.year}
        if self.kind == HALF:
            label = (
                _("6 tháng đầu năm %(year)s")
                if self.number == 1
                else _("6 tháng cuối năm %(year)s")
            )
            return label % {"year": self.year}
        if self.kind == QUARTER:
            return _("Quý %(n)s năm %(year)s") % {"n": self.number, "year": self.year}
        if self.kind == MONTH:
            return _("Tháng %(n)s năm %(year)s") % {"n": self.number, "year": self.year}
        return _("%(n)s tháng năm %(year)s") % {"n": self.number, "year": self.year}

    def label_en(self) -> str:
        if self.kind == YEAR:
            return f"the year {self.year}"
        if self.kind == HALF:
            return f"the {'first' if self.number == 1 else 'second'} half of {self.year}"
        if self.kind == QUARTER:
            return f"the {_ORDINALS[self.number]} quarter of {self.year}"
        if self.kind == MONTH:
            return f"{calendar.month_name[self.number]} {self.year}"
        return f"the first {self.number} months of {self.year}"

    def __str__(self) -> str:
        return self.code


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def parse_period(raw: str) -> Period:
    """Parse a period code; anything else is an error that says what is accepted."""
    text = str(raw).strip().upper()
    match = _PATTERN.match(text)
    if not match:
        raise PeriodError(_period_message(raw))
    year = int(match["year"])
    kind, num = match["kind"], match["num"]
    if kind is None:
        return Period(year, YEAR, 0)
    number = int(num)
    if kind == "H" and number in (1, 2) and len(num) == 1:
        return Period(year, HALF, number)
    if kind == "Q" and 1 <= number <= 4 and len(num) == 1:
        return Period(year, QUARTER, number)
    if kind == "M" and len(num) == 2 and 1 <= number <= 12:
        return Period(year, MONTH, number)
    if kind == "M" and len(num) == 1 and 1 <= number <= 9:
        return Period(year, CUMULATIVE, number)
    raise PeriodError(_period_message(raw))


def _period_message(raw: str) -> str:
    return _(
        "Kỳ báo cáo “%(raw)s” không hợp lệ. Dùng: 2019 (năm), 2019H1 hoặc 2019H2 (6 tháng), "
        "2019Q1–2019Q4 (quý), 2019M01–2019M12 (tháng), 2019M1–2019M9 (lũy kế số tháng)."
    ) % {"raw": raw}
