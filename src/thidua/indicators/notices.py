"""What a unit's officers are told when the head acts on their report or their deadline."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.common.periods import parse_period
from thidua.indicators.models import Extension, Report, ReportingWindow, unit_deadline
from thidua.notices.recipients import unit_officers
from thidua.notices.services import Message, notify, site_language
from thidua.orgs.models import Unit


def report_returned(report: Report, reopened: bool = False) -> None:
    with site_language():
        fmt = _fmt(report) | {"comment": report.head_comment}
        if reopened:
            subject = _("Báo cáo %(period)s của %(unit)s được mở lại để sửa") % fmt
        else:
            subject = _("Báo cáo %(period)s của %(unit)s bị trả lại") % fmt
        body = (
            _(
                "Cụm trưởng (%(cluster)s) đã trả lại báo cáo %(period)s của %(unit)s với ý kiến:\n"
                "%(comment)s\n\n"
                "Việc cần làm: sửa số liệu theo ý kiến trên rồi gửi lại báo cáo."
            )
            % fmt
        )
        message = Message("report_returned", subject, body, _entry_link(report))
    notify(unit_officers([report.unit_id])[report.unit_id], message)


def report_accepted(report: Report) -> None:
    with site_language():
        fmt = _fmt(report)
        subject = _("Báo cáo %(period)s của %(unit)s đã được tiếp nhận") % fmt
        body = (
            _(
                "Cụm trưởng (%(cluster)s) đã tiếp nhận báo cáo %(period)s của %(unit)s; số liệu "
                "được tính vào tổng hợp của cụm.\n\nViệc cần làm: không cần làm gì thêm."
            )
            % fmt
        )
        message = Message("report_accepted", subject, body, reverse("web:report", args=[report.pk]))
    notify(unit_officers([report.unit_id])[report.unit_id], message)


def deadline_extended(extension: Extension) -> None:
    window = extension.window
    with site_language():
        fmt = {
            "unit": extension.unit.name,
            "period": parse_period(window.period).label(),
            "cluster": window.cluster.name,
            "d": extension.deadline.strftime("%d/%m/%Y"),
        }
        subject = _("Gia hạn nộp báo cáo %(period)s của %(unit)s đến %(d)s") % fmt
        body = (
            _(
                "Cụm trưởng (%(cluster)s) đã gia hạn nộp báo cáo %(period)s của %(unit)s đến hết "
                "ngày %(d)s.\n\nViệc cần làm: nhập và gửi báo cáo trước hạn mới."
            )
            % fmt
        )
        if extension.reason:
            body += "\n\n" + _("Lý do: %(r)s") % {"r": extension.reason}
        link = reverse("web:entry", args=[window.cluster.code, window.period, extension.unit_id])
        message = Message("deadline_extended", subject, body, link)
    notify(unit_officers([extension.unit_id])[extension.unit_id], message)


def nudged(window: ReportingWindow, unit: Unit) -> int:
    """The head's reminder to a late member's officers; how many were told."""
    extension = Extension.objects.filter(window=window, unit=unit).first()
    deadline = unit_deadline(window, extension)
    with site_language():
        fmt = {
            "unit": unit.name,
            "period": parse_period(window.period).label(),
            "cluster": window.cluster.name,
            "d": deadline.strftime("%d/%m/%Y"),
        }
        subject = _("Cụm trưởng nhắc gửi báo cáo %(period)s của %(unit)s") % fmt
        body = (
            _(
                "Cụm trưởng (%(cluster)s) nhắc: báo cáo %(period)s của %(unit)s chưa được gửi; "
                "hạn nộp là ngày %(d)s.\n\nViệc cần làm: nhập đủ số liệu và gửi báo cáo ngay."
            )
            % fmt
        )
        link = reverse("web:entry", args=[window.cluster.code, window.period, unit.pk])
        message = Message("report_nudge", subject, body, link)
    return len(notify(unit_officers([unit.pk])[unit.pk], message))


def _fmt(report: Report) -> dict:
    return {
        "unit": report.unit.name,
        "period": parse_period(report.period).label(),
        "cluster": report.cluster.name,
    }


def _entry_link(report: Report) -> str:
    return reverse("web:entry", args=[report.cluster.code, report.period, report.unit_id])
