"""Who may read an object's change history: one rule per audited object type, in one place.

Each rule is the one of the object's own page: a report's history for whoever may see that
report, a proposal's for the proposing unit and the board, a person's for the officials who
see the person page (birth date and national ID only for those who may see personal data)…
A type without a rule, a batch without an instance (an import, the demo) and an object that no
longer exists are the central board's alone. The page answers 404 to everyone else, so the
URL cannot be used to learn whether an object exists.

The audited types are those written by `accounts.audit.record` / `Change(...)` in the apps'
services; a new audited type without a rule here is shown to the board only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from thidua.accounts import permissions as perms
from thidua.awards import privacy
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators import visibility

# Keys of before/after that hold personal data (see awards.privacy and the person page).
PERSONAL_KEYS = frozenset({"birth_date", "national_id"})


def _board(user, _obj=None) -> bool:
    return perms.is_board(user)


def _official(user, _obj=None) -> bool:
    return perms.is_official(user)


def _year(period: str) -> int:
    return parse_period(period).year


# The rules, one per object type (model label_lower)


def _report(user, report) -> bool:
    return visibility.can_view_report_values(user, report)


def _window(user, window) -> bool:
    return perms.can_view_cluster(user, window.cluster_id, window.year)


def _regulation(user, regulation) -> bool:
    return perms.can_view_cluster(user, regulation.cluster_id, regulation.year)


def _publication(user, publication) -> bool:
    return perms.can_view_cluster(user, publication.cluster_id, _year(publication.period))


def _manual_score(user, score) -> bool:
    """A unit's own sheet in full (scoring.selectors.visible): its officers, the head, the board."""
    reg = score.criterion.regulation
    return score.unit_id in perms.officer_unit_ids(user) or perms.can_run_cluster(
        user, reg.cluster_id, reg.year
    )


def _session(user, session) -> bool:
    from thidua.ballots.selectors import may_view

    return may_view(user, session)


def _elector(user, elector) -> bool:
    """That a person voted is shown to nobody but that person (and the board's audit)."""
    return elector.user_id == getattr(user, "pk", None) or perms.is_board(user)


def _proposal(user, proposal) -> bool:
    return perms.can_view_proposal(user, proposal)


def _person_data(user, person) -> bool:
    return privacy.can_see_personal_data(user, person)


def _backlog_case(user, case) -> bool:
    """A case names a person: the board and the officers of the unit handling it."""
    return perms.is_board(user) or perms.can_propose_for(user, case.unit_id)


def _own_account(user, account) -> bool:
    return account.pk == getattr(user, "pk", None) or perms.is_board(user)


def _owned_by_user(user, obj) -> bool:
    """API tokens and two-factor devices: their owner and the board (accounts.tokens)."""
    return obj.user_id == getattr(user, "pk", None) or perms.is_board(user)


@dataclass(frozen=True)
class Rule:
    may_see: Callable[[Any, Any], bool]  # (user, instance) -> bool
    related: tuple[str, ...] = ()  # select_related for the instance and its title
    personal: Callable[[Any, Any], bool] = _board  # may also see PERSONAL_KEYS
    page: Callable[[Any], str] | None = None  # the object's own page, for the way back


RULES: dict[str, Rule] = {
    "indicators.report": Rule(
        _report, ("unit", "cluster"), page=lambda r: reverse("web:report", args=[r.pk])
    ),
    "indicators.reportingwindow": Rule(
        _window,
        ("cluster",),
        page=lambda w: reverse("web:cluster", args=[w.cluster.code]) + f"?year={w.year}",
    ),
    "indicators.indicator": Rule(_official),
    "reports.reviewpublication": Rule(
        _publication,
        ("cluster",),
        page=lambda r: reverse("web:review", args=[r.cluster.code, r.period]),
    ),
    "scoring.regulation": Rule(
        _regulation,
        ("cluster",),
        page=lambda r: (
            reverse("web:regulation", args=[r.cluster.code, r.year]) + f"?version={r.version}"
        ),
    ),
    "scoring.manualscore": Rule(
        _manual_score,
        ("criterion__regulation__cluster", "unit"),
        page=lambda s: reverse(
            "web:sheet",
            args=[s.criterion.regulation.cluster.code, s.criterion.regulation.year, s.unit_id],
        ),
    ),
    "ballots.ballotsession": Rule(
        _session, ("cluster",), page=lambda s: reverse("web:ballot", args=[s.pk])
    ),
    "ballots.elector": Rule(
        _elector, ("user", "unit"), page=lambda e: reverse("web:ballot", args=[e.session_id])
    ),
    "awards.proposal": Rule(
        _proposal,
        ("person", "nominee_unit", "award_type"),
        page=lambda p: reverse("web:proposal", args=[p.pk]),
    ),
    "awards.person": Rule(
        _official, personal=_person_data, page=lambda p: reverse("web:person", args=[p.pk])
    ),
    "awards.awardentry": Rule(_official, ("award_type",)),
    "awards.backlogprogramme": Rule(
        _official, page=lambda p: reverse("web:backlog", args=[p.code])
    ),
    "awards.backlogcase": Rule(_backlog_case, ("programme",)),
    "accounts.apitoken": Rule(_owned_by_user),
    "otp_totp.totpdevice": Rule(_owned_by_user, ("user",)),
    settings.AUTH_USER_MODEL.lower(): Rule(_own_account),
    # Batches (no instance): the registry import and the demo load.
    "awards.registry": Rule(_board),
    "awards.demo": Rule(_board),
}


@dataclass
class Target:
    """The object whose history is asked for, and what the user may see of it."""

    object_type: str
    object_id: str
    obj: Any = None
    allowed: bool = False
    personal: bool = False
    page: str = ""

    @property
    def title(self) -> str:
        if self.obj is None:
            return f"{self.object_type} #{self.object_id}"
        if self.object_type == "indicators.report":  # "Long An · 6 tháng đầu năm 2019"
            return f"{self.obj.unit.name} · {_period_words(self.obj.period)}"
        return str(self.obj)

    @property
    def kind(self) -> str:
        return str(self.obj._meta.verbose_name) if self.obj is not None else ""


def _instance(object_type: str, object_id: str, rule: Rule):
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None  # a batch: no model behind the type
    try:
        qs = model._default_manager.select_related(*rule.related)
        return qs.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):
        return None  # an id that cannot be this model's key


def resolve(user, object_type: str, object_id: str) -> Target:
    """Look the object up once and apply its type's rule; without a rule or an instance, only
    the board may read the entries."""
    target = Target(object_type, object_id)
    rule = RULES.get(object_type)
    if rule is not None and rule.may_see is not _board:
        target.obj = _instance(object_type, object_id, rule)
    if target.obj is None:
        target.allowed = target.personal = perms.is_board(user)
        return target
    target.allowed = bool(rule.may_see(user, target.obj))
    target.personal = target.allowed and bool(rule.personal(user, target.obj))
    if target.allowed and rule.page is not None:
        target.page = rule.page(target.obj)
    return target


def may_see(user, obj) -> bool:
    """For the link on an object's own page: whether `user` may open its history."""
    rule = RULES.get(obj._meta.label_lower)
    if rule is None:
        return perms.is_board(user)
    return bool(rule.may_see(user, obj))


def _period_words(code: str) -> str:
    try:
        return parse_period(code).label()
    except PeriodError:
        return code
