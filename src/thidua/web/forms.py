"""Forms of the pages; they parse and carry input, the services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from thidua.common.errors import Issue
from thidua.common.numbers import format_number, format_vn, typed_decimals
from thidua.indicators import vnnumbers
from thidua.indicators.models import Indicator
from thidua.indicators.services import ValueInput
from thidua.orgs.models import Unit
from thidua.web.selectors import EntryRow

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def form_issues(form: forms.Form) -> list[Issue]:
    """The form's errors as issues, each named by its field's label."""
    issues = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        issues += [Issue(f"{label}{e}", column=name) for e in errors]
    return issues


def page_style() -> vnnumbers.NumberStyle:
    """The notation the form shows and reads: Vietnamese (8,2; 49.630), English in English."""
    if get_language() == "en":
        return vnnumbers.NumberStyle.PLAIN
    return vnnumbers.NumberStyle.VIETNAMESE


def parse_entry(text: str, indicator: Indicator) -> Decimal | None:
    """A typed value, read by the rule of every door (`vnnumbers.settle`) in the notation the
    form shows (Vietnamese: 9.360 is 9360); an unclear `9.360` for a rate is rejected."""
    reading = vnnumbers.read_cell(text)
    if reading is None:
        return None
    [value] = vnnumbers.settle([(reading, indicator)], style=page_style())
    if isinstance(value, vnnumbers.NumberError):
        raise value
    return value


def value_text(value: Decimal | None, decimals: int) -> str:
    """A stored value in the form's own notation, with the decimals it was typed with."""
    if value is None:
        return ""
    return format_number(value, typed_decimals(value, decimals))


class EntryForm(forms.Form):
    """One value field and one justification field per indicator row."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do sửa số liệu"), required=False, max_length=500
    )

    def __init__(self, rows: list[EntryRow], *args, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)
        for row in rows:
            code = row.indicator.code
            self.fields[f"v_{code}"] = forms.CharField(required=False, max_length=40)
            self.fields[f"j_{code}"] = forms.CharField(required=False, max_length=1000)
            # The version shown: a save over someone else's newer value is refused, not lost.
            self.fields[f"ver_{code}"] = forms.IntegerField(
                required=False, min_value=0, widget=forms.HiddenInput
            )
            self.initial[f"ver_{code}"] = row.current.version if row.current else 0
            if row.current is not None:
                self.initial.setdefault(
                    f"v_{code}", value_text(row.current.value, row.indicator.decimals)
                )
                self.initial.setdefault(f"j_{code}", row.current.justification)

    def clean(self):
        data = super().clean()
        for row in self.rows:
            name = f"v_{row.indicator.code}"
            try:
                data[name] = parse_entry(data.get(name) or "", row.indicator)
            except vnnumbers.NumberError as exc:
                self.add_error(name, exc.message)
        return data

    def inputs(self, unit: Unit) -> list[ValueInput]:
        result = []
        for row in self.rows:
            value = self.cleaned_data.get(f"v_{row.indicator.code}")
            if value is None:
                continue
            result.append(
                ValueInput(
                    unit=unit,
                    indicator=row.indicator,
                    period=row.period,
                    value=value,
                    note=row.current.note if row.current else "",
                    justification=self.cleaned_data.get(f"j_{row.indicator.code}", "").strip(),
                    column=row.indicator.code,
                    expected_version=self.cleaned_data.get(f"ver_{row.indicator.code}"),
                )
            )
        return result

    def add_issues(self, issues: list[Issue]) -> None:
        codes = {row.indicator.code for row in self.rows}
        for issue in issues:
            field = f"v_{issue.column}" if issue.column in codes else None
            self.add_error(field, issue.message)

    def row_fields(self):
        for row in self.rows:
            code = row.indicator.code
            yield row, self[f"v_{code}"], self[f"j_{code}"]

    def problems(self) -> list[tuple[str | None, str, str]]:
        """Every error of a failed save, in the page's order: (field id to link to or None,
        what it is about, the message), for the summary at the top of the page."""
        out = [(None, "", str(e)) for e in self.non_field_errors()]
        for row in self.rows:
            code, name = row.indicator.code, row.indicator.display_name(get_language() or "vi")
            for prefix, about in (("v", name), ("j", _("%(name)s: giải trình") % {"name": name})):
                field = self[f"{prefix}_{code}"]
                out += [(field.id_for_label, about, str(e)) for e in field.errors]
        reason = str(self.fields["reason"].label)
        out += [("id_reason", reason, str(e)) for e in self["reason"].errors]
        return out


class ReturnForm(forms.Form):
    comment = forms.CharField(label=gettext_lazy("Ý kiến"), required=False, widget=forms.Textarea)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do"), required=False, widget=forms.Textarea)


class ExceptionForm(forms.Form):
    until = forms.DateField(label=gettext_lazy("Cho phép nhập đến"), input_formats=DATE_FORMATS)

    def clean_until(self) -> date:
        until = self.cleaned_data["until"]
        if until < timezone.localdate():
            raise forms.ValidationError(_("Ngày cho phép phải từ hôm nay trở đi."))
        return until


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel (.xlsx, .xls), .ods hoặc .csv."))
        if upload.size > settings.THIDUA_MAX_UPLOAD_BYTES:
            limit = format_vn(Decimal(settings.THIDUA_MAX_UPLOAD_BYTES) / 1024 / 1024)
            raise forms.ValidationError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit})
        return upload
