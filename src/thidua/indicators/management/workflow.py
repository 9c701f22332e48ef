"""`thidua report submit|accept|return|reopen`: the report life cycle from the command line.

The same services as the web (permission, state check, transaction, audit), one report at a
time: each unit is done or refused with its reason. Exit 0 all done, 1 some refused, 2 usage.
The CLI acts as the system (audited as "system") unless `--user` names an account.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from thidua.accounts.actors import Actor, signed_in
from thidua.accounts.permissions import SYSTEM
from thidua.common.errors import ValidationFailed
from thidua.common.periods import PeriodError, parse_period
from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.orgs.models import Cluster, Membership
from thidua.scoring.required import refuse_unconfirmed_blanks

VIA = "cli"

# action: (what the service does, the states `--all` picks, whether it needs a comment)
ACTIONS = {
    "submit": (services.submit_report, services.TRANSITIONS["submit"].sources, False),
    "accept": (services.accept_report, services.TRANSITIONS["accept"].sources, False),
    "return": (services.return_report, services.TRANSITIONS["return"].sources, True),
    "reopen": (services.reopen_report, services.TRANSITIONS["reopen"].sources, True),
}
HELP = {
    "submit": "Gửi báo cáo của đơn vị (nháp hoặc bị trả lại) lên cụm trưởng",
    "accept": "Cụm trưởng tiếp nhận báo cáo đã gửi",
    "return": "Cụm trưởng trả lại báo cáo đã gửi, kèm ý kiến (--comment)",
    "reopen": "Cụm trưởng mở lại báo cáo đã tiếp nhận, kèm lý do (--reason)",
}
NEEDS_TEXT = {
    "return": "Cần --comment (ý kiến gửi đơn vị) khi trả lại báo cáo.",
    "reopen": "Cần --reason (lý do) khi mở lại báo cáo.",
}
CONFIRM_HELP = "Vẫn gửi khi còn chỉ tiêu bắt buộc để trống (không có: từ chối, nêu tên chỉ tiêu)"
CONFIRM_HOW = "thêm --confirm-blank để vẫn gửi"
DONE = {"submit": "đã gửi", "accept": "đã tiếp nhận", "return": "đã trả lại", "reopen": "đã mở lại"}


def add_parsers(sub) -> None:
    for action, text in HELP.items():
        p = sub.add_parser(action, help=text)
        p.add_argument("--cluster", required=True, help="Mã cụm, khối thi đua (ví dụ TNB)")
        p.add_argument("--period", required=True, help="Kỳ báo cáo (2019, 2019H1, …)")
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--unit", nargs="+", action="extend", metavar="MÃ", help="Mã đơn vị (một hoặc nhiều)"
        )
        which.add_argument(
            "--all", action="store_true", help="Mọi báo cáo của kỳ đang ở trạng thái phù hợp"
        )
        p.add_argument("--user", help="Thực hiện dưới tên tài khoản này (mặc định: hệ thống)")
        text_of = p.add_mutually_exclusive_group()
        text_of.add_argument("--comment", help="Ý kiến khi trả lại")
        text_of.add_argument("--reason", dest="comment", help="Lý do khi mở lại")
        p.add_argument("--json", action="store_true", help="Kết quả dạng JSON")
        if action == "submit":
            p.add_argument("--confirm-blank", action="store_true", help=CONFIRM_HELP)


@dataclass
class Outcome:
    action: str
    cluster: str
    period: str
    actor: str
    done: list[dict] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "action": self.action,
            "cluster": self.cluster,
            "period": self.period,
            "actor": self.actor,
            "done": self.done,
            "refused": self.refused,
        }

    def text(self) -> str:
        lines = [f"{self.cluster}, kỳ {self.period} ({self.actor}):"]
        lines += [f"  {d['unit']} {d['unit_name']}: {DONE[self.action]}" for d in self.done]
        for r in self.refused:
            lines.append(f"  {r['unit']} {r['unit_name']}: từ chối – {'; '.join(r['reasons'])}")
        if not self.done and not self.refused:
            lines.append("  Không có báo cáo nào ở trạng thái phù hợp; không có gì thay đổi.")
        return "\n".join(lines)


def run(command, action: str, options: dict) -> None:
    try:
        period = parse_period(options["period"]).code
    except PeriodError as exc:
        raise CommandError(str(exc), returncode=2) from exc
    cluster = Cluster.objects.filter(code=options["cluster"]).first()
    if cluster is None:
        raise CommandError(f"Không có cụm/khối mã “{options['cluster']}”.", returncode=2)
    comment = (options.get("comment") or "").strip()
    if ACTIONS[action][2] and not comment:
        raise CommandError(NEEDS_TEXT[action], returncode=2)
    actor = actor_named(options.get("user"))
    reports = _reports(cluster, period, action, options.get("unit"))
    confirm = bool(options.get("confirm_blank"))
    outcome = apply(action, actor, reports, cluster, period, comment, confirm_blank=confirm)
    if options.get("json"):
        command.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))
    else:
        command.stdout.write(outcome.text())
    if outcome.refused:
        raise CommandError(f"{len(outcome.refused)} báo cáo bị từ chối.", returncode=1)


def actor_named(username: str | None):
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có tài khoản “{username}”.", returncode=2)
    return user


def _reports(cluster: Cluster, period: str, action: str, codes: list[str] | None):
    """The named units' reports (None where a member has none yet), or with --all those the
    action applies to."""
    found = Report.objects.filter(cluster=cluster, period=period).select_related("unit")
    if codes is None:
        return list(found.filter(status__in=ACTIONS[action][1]).order_by("unit__code"))
    year = parse_period(period).year
    members = {
        m.unit.code: m.unit
        for m in Membership.objects.filter(cluster=cluster, year=year).select_related("unit")
    }
    strangers = [c for c in codes if c not in members]
    if strangers:
        names = ", ".join(strangers)
        msg = f"Không phải thành viên của {cluster.code} năm {year}: {names}."
        raise CommandError(msg, returncode=2)
    by_unit = {r.unit.code: r for r in found.filter(unit__code__in=codes)}
    return [by_unit.get(code) or members[code] for code in dict.fromkeys(codes)]


def apply(
    action,
    actor: Actor,
    reports,
    cluster,
    period,
    comment: str = "",
    *,
    confirm_blank: bool = False,
) -> Outcome:
    do = ACTIONS[action][0]
    name = actor.get_username() if signed_in(actor) else "system"
    outcome = Outcome(action, cluster.code, period, name)
    for report in reports:
        if not isinstance(report, Report):  # a member with no report for the period
            unit = {"unit": report.code, "unit_name": report.name, "status": None}
            outcome.refused.append(unit | {"reasons": ["Chưa có báo cáo nào của kỳ này."]})
            continue
        unit = {"unit": report.unit.code, "unit_name": report.unit.name}
        try:
            args = (comment,) if ACTIONS[action][2] else ()
            if action == "submit":
                refuse_unconfirmed_blanks(actor, report, confirm_blank, CONFIRM_HOW)
            done = do(actor, report, *args, via=VIA)
        except PermissionDenied as exc:
            outcome.refused.append(unit | {"status": report.status, "reasons": [str(exc)]})
        except ValidationFailed as exc:
            reasons = [i.message for i in exc.issues]
            outcome.refused.append(unit | {"status": report.status, "reasons": reasons})
        else:
            outcome.done.append(unit | {"status": done.status})
    return outcome
