"""What every official document says the same way (Decree 30/2020): the header's names, the
place and date, lists and recipients, and "…" where no record says anything.

Not translated: these lines belong to official documents, which are Vietnamese whatever the
reader's language (the review report, the minutes, the commendation dossier).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from thidua.common.numbers import format_vn
from thidua.orgs.models import Cluster, Organiser, ReviewMeeting

NBSP = "\u00a0"  # keeps "4. Cà Mau" and "9.360 tỷ đồng" on one line
GAP = "…"  # what the meeting record does not say is left visibly open, never invented
# An official document is written in Vietnamese whatever the reader's language; `language`
# chooses only the narrative paragraph and the words in the charts.
FORM_LANGUAGE = "vi"
# The fields of the header and the end that every kind of minutes has.
MINUTES_HEADER_FIELDS = {
    "superior": "cơ quan chủ quản (chữ in hoa)",
    "issuer": "tên cụm, khối (chữ in hoa)",
    "number": "số, ký hiệu biên bản",
    "place_date": "địa danh và ngày",
    "summary": "trích yếu",
    "recipients": "nơi nhận, đã có “- ” và “;”",
}


@dataclass
class Record:
    """What the meeting record says, as text; empty where it says nothing."""

    number: str = ""
    place_name: str = ""
    held_on: date | None = None
    attendees: str = ""
    tasks: str = ""
    signer_title: str = ""
    signer_name: str = ""
    recipients: str = ""

    @classmethod
    def of(cls, meeting: ReviewMeeting | None) -> Record:
        if meeting is None:
            return cls()
        return cls(
            number=meeting.document_number,
            place_name=meeting.place_name,
            held_on=meeting.held_on,
            attendees=meeting.attendees,
            tasks=meeting.tasks,
            signer_title=meeting.signer_title,
            signer_name=meeting.signer_name,
            recipients=meeting.recipients,
        )


def place_date(place: str, day: date | None) -> str:
    """'Rạch Giá, ngày 06 tháng 8 năm 2019': a leading 0 for days < 10 and months 1–2."""
    place = place.strip() or GAP
    if day is None:
        return f"{place}, ngày {GAP} tháng {GAP} năm {GAP}"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def recipients(text: str) -> list[str]:
    """'- X;' for each line and '- Lưu: VT.' last (added when the record has no filing line)."""
    lines = typed_lines(text) or [GAP]
    filing = [line for line in lines if line.lower().startswith("lưu")]
    lines = [line for line in lines if line not in filing] + (filing or [_("Lưu: VT")])
    return [f"- {line}" for line in listed(lines)]


def listed(lines: list[str]) -> list[str]:
    """Items of a list end with ';', the last with '.'."""
    ends = [";"] * (len(lines) - 1) + ["."]
    return [line if line == GAP else line + end for line, end in zip(lines, ends, strict=False)]


def typed_lines(text: str) -> list[str]:
    """The items a person typed one per line, without their bullets and final ';' or '.'."""
    cleaned = (
        line.strip().lstrip("-–+•").strip().rstrip(";.").strip() for line in text.splitlines()
    )
    return [line for line in cleaned if line]


def day_text(day: date | None) -> str:
    """'ngày 06 tháng 8 năm 2019': a leading 0 for days < 10 and months 1–2, as in the header."""
    if day is None:
        return _("ngày %(g)s tháng %(g)s năm %(g)s") % {"g": GAP}
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{day.day:02d}",
        "m": month,
        "y": day.year,
    }


def moment(when: datetime | None) -> str:
    """'14 giờ 05 phút, ngày 06 tháng 8 năm 2019' (local time); '…' when not known."""
    if when is None:
        return GAP
    return _("%(h)s giờ %(m)s phút, %(day)s") % {
        "h": f"{when.hour:02d}",
        "m": f"{when.minute:02d}",
        "day": day_text(when.date()),
    }


def clause(text: str) -> str:
    """A text placed before a '.' of the template: no final '.' or ';' of its own."""
    return text.strip().rstrip(".;").strip() or GAP


def points(value: Decimal) -> str:
    """60 → '60', 7.5 → '7,5': points and percentages as a person writes them."""
    value = Decimal(value).normalize()
    decimals = max(0, -value.as_tuple().exponent)
    return format_vn(value, decimals)


def superior(cluster: Cluster) -> str:
    """The body above the cluster, as the header names it; empty when none is known."""
    if cluster.organiser_unit_id:
        return header_name(cluster.organiser_unit.name)
    if cluster.organiser == Organiser.CENTRAL:
        with translation.override(FORM_LANGUAGE):
            return header_name(str(Organiser.CENTRAL.label))
    return ""


def header_name(name: str) -> str:
    # The decree writes hyphens between parts of a name in the header, as in the motto.
    return re.sub(r"\s*[–—]\s*", " - ", name).upper()


def header(cluster: Cluster) -> dict:
    """The header fields of the minutes: the superior, the issuer and the number (by hand)."""
    return {
        "superior": superior(cluster) or GAP,
        "issuer": header_name(cluster.name) or GAP,
        "number": GAP,
    }


def unknown_minutes_field(name: str, fields: dict) -> str:
    """An uploaded template of minutes refused for a field its kind does not have."""
    return _("Mẫu dùng trường “%(f)s” không có trong dữ liệu biên bản. Dùng được: %(a)s.") % {
        "f": name,
        "a": ", ".join(sorted(fields)),
    }
