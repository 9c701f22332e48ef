"""Forms of the ballot pages: a new session, a vote, a correction of a closed session; they
parse and carry input, the services decide."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.ballots.models import Basis, Operator
from thidua.ballots.services import Rules

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


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
        self.fields["approve"].choices = [(str(c.pk), c.label) for c in candidates]

    def approved_ids(self) -> list[int]:
        return [int(i) for i in self.cleaned_data["approve"]]


class CorrectionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Lý do tổ chức lại"), widget=forms.Textarea)
    closes_at = ClosesAtField(label=gettext_lazy("Hạn bỏ phiếu mới"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closes_at", _local_input(timezone.now() + timedelta(days=2)))
