"""Forms of the periods page: open a period with its dates, extend a member's deadline."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.common.periods import PeriodError, parse_period
from thidua.web.forms import DATE_FORMATS


class WindowForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Kỳ báo cáo (2019, 2019H1, 2019Q3…)"), max_length=8)
    deadline = forms.DateField(label=gettext_lazy("Hạn nộp báo cáo"), input_formats=DATE_FORMATS)
    entry_closes = forms.DateField(
        label=gettext_lazy("Ngày khóa nhập liệu"), input_formats=DATE_FORMATS
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean_period(self) -> str:
        try:
            p = parse_period(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        if p.year != self.year:
            msg = _("Kỳ %(p)s không thuộc năm %(y)s của trang này.")
            raise forms.ValidationError(msg % {"p": p.code, "y": self.year})
        return p.code


class ExtensionForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("Đơn vị"), coerce=int)
    working_days = forms.IntegerField(
        label=gettext_lazy("Gia hạn thêm (ngày làm việc)"), required=False, min_value=1
    )
    until = forms.DateField(
        label=gettext_lazy("hoặc gia hạn đến ngày"), required=False, input_formats=DATE_FORMATS
    )
    reason = forms.CharField(label=gettext_lazy("Lý do"), required=False, max_length=500)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
