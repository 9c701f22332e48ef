"""What electors are told: a ballot has opened (the scanner reminds them before it closes)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.ballots.models import BallotSession
from thidua.notices.services import Message, notify, site_language


def closes_text(session: BallotSession) -> str:
    return timezone.localtime(session.closes_at).strftime("%H:%M %d/%m/%Y")


def ballot_opened(session: BallotSession) -> None:
    electors = [e.user for e in session.electors.select_related("user")]
    with site_language():
        fmt = {"title": session.title, "cluster": session.cluster.name, "at": closes_text(session)}
        subject = _("Đã mở bỏ phiếu: %(title)s") % fmt
        body = (
            _(
                "Cụm trưởng (%(cluster)s) đã mở phiên bỏ phiếu kín “%(title)s”; phiên kết thúc lúc "
                "%(at)s.\n\nViệc cần làm: vào trang phiên bỏ phiếu và bỏ phiếu trước giờ kết thúc."
            )
            % fmt
        )
        link = reverse("web:ballot", args=[session.pk])
    notify(electors, Message("ballot_opened", subject, body, link, key=f"ballot-open:{session.pk}"))
