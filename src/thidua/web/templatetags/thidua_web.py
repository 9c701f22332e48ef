"""Template filters: every number, measure and date in the Vietnamese form."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from thidua.common.numbers import format_number, measure_label, measure_text, typed_decimals
from thidua.common.periods import PeriodError, parse_period

register = template.Library()


@register.filter
def vn(value: Decimal | int | None, decimals: int = 0) -> str:
    """Vietnamese form (49.630,5); the English one when the page is in English (issue 20)."""
    return format_number(value, int(decimals))


@register.filter
def vn_typed(value: Decimal | None, decimals: int = 0) -> str:
    """A stored value with the decimals it was typed with, at least the indicator's."""
    if value is None:
        return "–"
    return format_number(value, typed_decimals(value, decimals))


register.filter("measure_label", measure_label)


@register.simple_tag
def measure(value: Decimal | None, unit: str, decimals: int, typed: bool = False) -> str:
    """`typed`: a value as entered, never rounded below its own decimals (a stored figure)."""
    if typed and value is not None:
        decimals = typed_decimals(value, decimals)
    return measure_text(value, unit, decimals)


@register.filter
def vndate(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y")


@register.filter
def vndatetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


@register.filter
def get(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def iname(indicator) -> str:
    """The indicator's name in the page's language."""
    return indicator.display_name(get_language() or "vi")


@register.filter
def join_names(indicators) -> str:
    """Indicators' names in the page's language, separated by commas."""
    return ", ".join(iname(i) for i in indicators)


@register.filter
def pts(value: Decimal | int | float | str | None) -> str:
    """Points with the decimals they need and at most two: 20, 9,5, 89,25."""
    if value is None or value == "":
        return "–"
    number = Decimal(str(value))
    exponent = number.normalize().as_tuple().exponent
    decimals = min(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(number, decimals).replace("-", "−")  # the typographic minus sign


@register.filter
def period_label(code, inner: str = "") -> str:
    """ "2019H1" → "6 tháng đầu năm 2019"; with "inner", for the middle of a sentence ("năm
    2019", "quý 1 năm 2019"). A code that is not a period is shown as it is."""
    try:
        period = parse_period(str(code))
    except PeriodError:
        return str(code)
    if inner and get_language() == "en":
        return period.label_en()  # "the first half of 2019"
    label = period.label()
    if inner and label[:1].isupper():
        label = label[0].lower() + label[1:]
    return label


# The project's own notes ("(law.md §4.6)", "[S7]") travel in legal-basis texts of the demo
# data; a page shows the law, not where our notes keep it (issue 20).
_NOTE_REFERENCE = re.compile(r"\s*\(?\blaw\.md(?:\s*§[\d.–-]+)?(?:\s*\[S\d+\])*\)?|\s*\[S\d+\]")


@register.filter
def basis(text: str | None) -> str:
    """A legal basis without the internal note references; "–" when nothing is left."""
    cleaned = _NOTE_REFERENCE.sub("", str(text or "")).strip(" ;,")
    return cleaned or "–"


@register.simple_tag
def sort_th(sort, column: str, label: str, css: str = "") -> str:
    """A sortable column's header: a link that sorts by it (again: the other way), its arrow and
    aria-sort (thidua.web.sorting)."""
    head = sort.header(column, label)
    return format_html(
        '<th{} aria-sort="{}" data-sort="{}"><a class="sort" href="{}" title="{}">{}'
        '<span class="arrow" aria-hidden="true">{}</span></a></th>',
        format_html(' class="{}"', css) if css else "",
        head["aria"],
        column,
        head["url"],
        head["hint"],
        head["label"],
        head["arrow"],
    )
