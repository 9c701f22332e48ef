"""Forms of the backlog pages: a new case, the steps, the import. They parse; `awards.backlog`
decides (the same rules for the form, the import and the API)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.awards.backlog import BORN_FROM, REASON_MAX, CaseInput
from thidua.awards.models import CaseStatus, WarPeriod
from thidua.web.award_forms import DATE_INPUT, YEAR_MAX

_DAY = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}


def _date(label, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs=_DAY),
    )


def _text(label, max_length: int, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required)


class CaseForm(forms.Form):
    full_name = _text(gettext_lazy("Họ và tên"), 200, required=True)
    birth_year = forms.IntegerField(
        label=gettext_lazy("Năm sinh"), required=False, min_value=BORN_FROM, max_value=YEAR_MAX
    )
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị tiếp nhận"), coerce=int)
    war_period = forms.ChoiceField(label=gettext_lazy("Thời kỳ"), choices=WarPeriod.choices)
    service_unit = _text(gettext_lazy("Đơn vị khi tham gia kháng chiến"), 300)
    service_start = _date(gettext_lazy("Tham gia từ (ngày/tháng/năm)"))
    service_end = _date(gettext_lazy("Đến (ngày/tháng/năm)"))
    posthumous = forms.BooleanField(label=gettext_lazy("Truy tặng"), required=False)
    next_of_kin_name = _text(gettext_lazy("Thân nhân nhận thay"), 200)
    next_of_kin_relation = _text(gettext_lazy("Quan hệ với người được đề nghị"), 60)
    received_on = _date(gettext_lazy("Ngày tiếp nhận (ngày/tháng/năm)"), required=True)
    note = forms.CharField(
        label=gettext_lazy("Ghi chú, giấy tờ kèm theo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [(u.pk, _unit_label(u)) for u in units]
        self.initial.setdefault("received_on", timezone.localdate())
        if len(units) == 1:
            self.initial.setdefault("unit", units[0].pk)

    def case_input(self) -> CaseInput:
        data = self.cleaned_data
        return CaseInput(
            full_name=data["full_name"],
            unit=self.units[data["unit"]],
            war_period=data["war_period"],
            received_on=data["received_on"],
            birth_year=data["birth_year"],
            service_unit=data["service_unit"],
            service_start=data["service_start"],
            service_end=data["service_end"],
            posthumous=data["posthumous"],
            next_of_kin_name=data["next_of_kin_name"],
            next_of_kin_relation=data["next_of_kin_relation"],
            note=data["note"],
        )


def _unit_label(unit) -> str:
    name = f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name
    if unit.valid_to:
        return _("%(name)s – đến %(d)s") % {"name": name, "d": unit.valid_to.strftime("%d/%m/%Y")}
    return name


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False)
    q = forms.CharField(label=gettext_lazy("Họ tên"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả"))] + list(CaseStatus.choices)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"status": self.cleaned_data["status"], "q": self.cleaned_data["q"].strip()}


class StepForm(forms.Form):
    """Taking a case into review, or back: an optional note."""

    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Lý do không đủ điều kiện"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AwardForm(forms.Form):
    number = _text(gettext_lazy("Số quyết định"), 60, required=True)
    decided_on = _date(gettext_lazy("Ngày quyết định (ngày/tháng/năm)"), required=True)
    signer = _text(gettext_lazy("Người ký"), 200, required=True)
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV"))
