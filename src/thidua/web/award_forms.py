"""Forms of the commendation pages and the public look-up; they parse, the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.awards.models import AwardType, DocumentKind, ProposalStatus

DATE_INPUT = ["%d/%m/%Y"]
# The audit keeps a reason of up to 1,000 characters.
REASON_MAX = 1000
YEAR_MIN, YEAR_MAX = 1945, 2100


def _year(label, required: bool = False) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=required, min_value=YEAR_MIN, max_value=YEAR_MAX
    )


def award_choices(awards, blank: str | None = None) -> list[tuple[str, str]]:
    first = [("", blank)] if blank is not None else []
    return first + [(a.code, a.name) for a in awards]


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Trạng thái"), required=False)
    award = forms.ChoiceField(label=gettext_lazy("Hình thức"), required=False)
    year = _year(gettext_lazy("Năm xét"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Tất cả"))] + list(ProposalStatus.choices)
        self.fields["award"].choices = award_choices(AwardType.objects.all(), _("Tất cả"))

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"status": data["status"], "award": data["award"], "year": data["year"]}


class ProposalForm(forms.Form):
    award = forms.ChoiceField(label=gettext_lazy("Hình thức khen thưởng"))
    year = _year(gettext_lazy("Năm xét"), required=True)
    achievements = forms.CharField(
        label=gettext_lazy("Tóm tắt thành tích"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, awards, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices(awards, "")
        self.initial.setdefault("year", timezone.localdate().year - 1)


class VersionForm(forms.Form):
    """The proposal's version the page showed, sent by every edit and step form (a hidden
    field): one taken from an older version is refused with 409 instead of overwriting."""

    expected_version = forms.IntegerField(
        required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput
    )


class EditForm(forms.Form):
    year = _year(gettext_lazy("Năm xét"), required=True)
    achievements = forms.CharField(
        label=gettext_lazy("Tóm tắt thành tích"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại tài liệu"), choices=DocumentKind.choices)
    file = forms.FileField(label=gettext_lazy("Tệp (PDF, Word, Excel, JPEG, PNG)"))


def _reason(label, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubmitForm(forms.Form):
    justification = _reason(
        gettext_lazy("Giải trình (bắt buộc khi dữ liệu cho thấy chưa đủ điều kiện)"),
        required=False,
    )


class ReasonForm(forms.Form):
    reasons = _reason(gettext_lazy("Lý do"))


class CouncilVoteForm(forms.Form):
    """Empty result: the council agreed without a ballot (the service refuses it where the rule
    in force asks for a secret ballot)."""

    result = forms.ChoiceField(
        label=gettext_lazy("Kết quả bỏ phiếu (phiên đã kết thúc)"), required=False
    )

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "—"), *choices] if choices else []

    def chosen(self) -> tuple[int | None, int | None]:
        if not self.cleaned_data.get("result"):
            return None, None
        session, candidate = self.cleaned_data["result"].split(":")
        return int(session), int(candidate)


class ForwardForm(forms.Form):
    to = forms.CharField(label=gettext_lazy("Trình cấp"), max_length=300)


class DecideForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=60)
    decided_on = forms.DateField(
        label=gettext_lazy("Ngày quyết định (ngày/tháng/năm)"),
        input_formats=DATE_INPUT,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
    )
    signer = forms.CharField(label=gettext_lazy("Người ký"), max_length=200)


class MergeForm(forms.Form):
    keep = forms.IntegerField(label=gettext_lazy("Giữ hồ sơ"), min_value=1)
    other = forms.IntegerField(label=gettext_lazy("Hợp nhất hồ sơ"), min_value=1)
    reason = _reason(gettext_lazy("Lý do, đã đối chiếu những gì"))


class EligibilityForm(forms.Form):
    award = forms.ChoiceField(label=gettext_lazy("Hình thức khen thưởng"))
    year = _year(gettext_lazy("Năm xét"), required=True)
    on = forms.DateField(
        label=gettext_lazy("Ngày xét đề nghị"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("Để trống: hôm nay. Xét theo tiêu chuẩn có hiệu lực ngày này."),
    )

    def __init__(self, awards, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices(awards, "")
        self.initial.setdefault("year", timezone.localdate().year - 1)


class RegistryForm(forms.Form):
    """The officials' search: name without diacritics, and filters."""

    q = forms.CharField(label=gettext_lazy("Họ tên, tên tập thể"), required=False, max_length=100)
    born = forms.IntegerField(
        label=gettext_lazy("Năm sinh"), required=False, min_value=1850, max_value=YEAR_MAX
    )
    award = forms.ChoiceField(label=gettext_lazy("Hình thức"), required=False)
    year = _year(gettext_lazy("Năm khen thưởng"))
    unit = forms.CharField(label=gettext_lazy("Đơn vị"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices(AwardType.objects.all(), _("Tất cả"))

    def criteria(self) -> dict | None:
        """The search's arguments, or None when nothing was asked."""
        if not self.is_bound or not self.is_valid():
            return None
        data = self.cleaned_data
        found = {
            "query": data["q"].strip(),
            "born": data["born"],
            "award": data["award"] or None,
            "year": data["year"],
            "unit": data["unit"].strip() or None,
        }
        asked = any(v for k, v in found.items() if k != "query") or len(found["query"]) >= 2
        return found if asked else None


class LookupForm(forms.Form):
    """The public look-up: a name (at least two letters), the year and the award; nothing that
    would single out a person by personal data (no birth year)."""

    q = forms.CharField(
        label=gettext_lazy("Họ tên hoặc tên tập thể"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search", "minlength": 2}),
    )
    year = _year(gettext_lazy("Năm khen thưởng"))
    award = forms.ChoiceField(label=gettext_lazy("Hình thức khen thưởng"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].choices = award_choices(AwardType.objects.all(), _("Tất cả"))

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        if len(text) < 2:
            raise forms.ValidationError(_("Nhập ít nhất 2 ký tự của họ tên."))
        return text
