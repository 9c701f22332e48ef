"""Forms of the scoring and ballot pages; they parse and carry input, the services decide."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.ballots.models import Basis, Operator
from thidua.ballots.services import Rules
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.numbers import format_vn
from thidua.indicators import vnnumbers

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]
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


def form_issues(form: forms.Form) -> list[Issue]:
    """The form's errors as issues, each named by its field's label."""
    issues = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}: " if field is not None and field.label else ""
        issues += [Issue(f"{label}{e}", column=name) for e in errors]
    return issues


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


# --- ballots ------------------------------------------------------------------------------


def _local_input(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class ClosesAtField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def __init__(self, **kwargs):
        super().__init__(input_formats=DATETIME_FORMATS, **kwargs)

    def clean(self, value):
        closes_at = super().clean(value)
        if closes_at and closes_at <= timezone.now():
            raise forms.ValidationError(_("Hạn bỏ phiếu phải sau thời điểm hiện tại."))
        return closes_at


class SessionForm(forms.Form):
    """A new ballot session; candidates and electors are offered from the cluster's data."""

    title = forms.CharField(label=gettext_lazy("Nội dung bỏ phiếu"), max_length=300)
    award_code = forms.ChoiceField(
        label=gettext_lazy("Hình thức đề nghị"), required=False, choices=()
    )
    seats = forms.IntegerField(label=gettext_lazy("Số suất"), min_value=1, initial=1)
    closes_at = ClosesAtField(label=gettext_lazy("Hạn bỏ phiếu"))
    quorum_pct = forms.DecimalField(
        label=gettext_lazy("Tỷ lệ tham gia tối thiểu (%)"), min_value=0, max_value=100, initial=50
    )
    pass_pct = forms.DecimalField(
        label=gettext_lazy("Tỷ lệ đồng ý cần đạt (%)"), min_value=0, max_value=100, initial=50
    )
    pass_operator = forms.ChoiceField(
        label=gettext_lazy("Cách so sánh"), choices=Operator.choices, initial=Operator.GT
    )
    pass_basis = forms.ChoiceField(
        label=gettext_lazy("Tính tỷ lệ trên"), choices=Basis.choices, initial=Basis.ELECTORATE
    )
    legal_basis = forms.CharField(label=gettext_lazy("Căn cứ"), max_length=500, required=False)
    candidates = forms.MultipleChoiceField(
        label=gettext_lazy("Đơn vị được đề cử"), widget=forms.CheckboxSelectMultiple
    )
    electors = forms.MultipleChoiceField(
        label=gettext_lazy("Người bỏ phiếu"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, ranking, electorate, awards, *args, default_count: int = 3, **kwargs):
        self.ranking = {str(unit.pk): (unit, rank) for unit, rank in ranking}
        self.electorate = {str(user.pk): (user, unit) for user, unit in electorate}
        super().__init__(*args, **kwargs)
        self.fields["award_code"].choices = [("", "—")] + [(a.code, a.name) for a in awards]
        self.fields["candidates"].choices = [
            (key, unit.name) for key, (unit, _rank) in self.ranking.items()
        ]
        self.fields["electors"].choices = [
            (key, f"{unit.name}: {user.get_username()}")
            for key, (user, unit) in self.electorate.items()
        ]
        self.initial.setdefault("candidates", list(self.ranking)[:default_count])
        self.initial.setdefault("electors", list(self.electorate))
        self.initial.setdefault("closes_at", _local_input(timezone.now() + timedelta(days=2)))

    def chosen_candidates(self) -> list[tuple]:
        chosen = set(self.cleaned_data["candidates"])
        return [pair for key, pair in self.ranking.items() if key in chosen]

    def chosen_electors(self) -> list[tuple]:
        chosen = set(self.cleaned_data["electors"])
        return [pair for key, pair in self.electorate.items() if key in chosen]

    def rules(self) -> Rules:
        data = self.cleaned_data
        return Rules(
            seats=data["seats"],
            quorum_pct=data["quorum_pct"],
            pass_pct=data["pass_pct"],
            pass_operator=data["pass_operator"],
            pass_basis=data["pass_basis"],
            legal_basis=data["legal_basis"].strip(),
        )

    def candidate_rows(self):
        """Each candidate checkbox with its unit and score rank, for the table."""
        for widget in self["candidates"]:
            unit, rank = self.ranking[str(widget.data["value"])]
            yield widget, unit, rank


class VoteForm(forms.Form):
    approve = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approve"].choices = [(str(c.pk), c.unit.name) for c in candidates]

    def approved_ids(self) -> list[int]:
        return [int(i) for i in self.cleaned_data["approve"]]


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do tổ chức lại"), widget=forms.Textarea)
    closes_at = ClosesAtField(label=gettext_lazy("Hạn bỏ phiếu mới"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closes_at", _local_input(timezone.now() + timedelta(days=2)))
