"""Forms of the scoring pages; they parse and carry input, the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.common.errors import Issue, ValidationFailed
from thidua.common.numbers import format_vn
from thidua.indicators import vnnumbers

REGULATION_SUFFIXES = (".yaml", ".yml", ".xlsx")


def parse_points(text: str, max_points: Decimal) -> Decimal:
    """Points as typed (8,5 or 8.5); the criterion's maximum settles an unclear separator."""
    reading = vnnumbers.read_cell(text)
    if reading is None:
        raise ValidationFailed([Issue(_("Chưa nhập điểm."))])
    hint = vnnumbers.Hint(min_value=Decimal(0), max_value=max_points)
    try:
        return vnnumbers.resolve(reading, vnnumbers.NumberStyle.UNKNOWN, hint)
    except vnnumbers.NumberError as exc:
        raise ValidationFailed([Issue(exc.message, value=text)]) from exc


# --- regulation ---------------------------------------------------------------------------


class RegulationUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp quy định (.yaml hoặc .xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(REGULATION_SUFFIXES):
            raise forms.ValidationError(_("Chỉ nhận tệp .yaml, .yml hoặc .xlsx."))
        if upload.size > settings.THIDUA_MAX_UPLOAD_BYTES:
            limit = format_vn(Decimal(settings.THIDUA_MAX_UPLOAD_BYTES) / 1024 / 1024)
            raise forms.ValidationError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit})
        return upload

    @property
    def is_excel(self) -> bool:
        return self.cleaned_data["file"].name.lower().endswith(".xlsx")


class CopyForm(forms.Form):
    to_year = forms.IntegerField(label=gettext_lazy("Sang năm"), min_value=2000, max_value=2100)


# --- scores -------------------------------------------------------------------------------


class ScoreForm(forms.Form):
    """One manual criterion: the points and the note (evidence, or the reason of a review)."""

    criterion = forms.CharField(max_length=20)
    points = forms.CharField(max_length=20, required=False)
    note = forms.CharField(max_length=2000, required=False)
    # The score's version the page showed (0: not scored yet); a save over a newer one is a 409.
    expected_version = forms.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput
    )
