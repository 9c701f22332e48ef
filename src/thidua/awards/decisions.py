"""A decision that confers an award: its checks and its entry in the registry, for every path
that records one (a proposal decided, a backlog case awarded)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from thidua.awards import counts
from thidua.awards.models import AwardEntry
from thidua.awards.name_search import remember_words
from thidua.common.errors import Issue


def decision_issues(number: str, decided_on: date | None, signer: str, today: date) -> list[Issue]:
    """What is wrong with a decision's number, date and signer, each with its field."""
    number, signer = number.strip(), signer.strip()
    issues = []
    if not number:
        issues.append(Issue(_("Cần ghi số quyết định."), column="number"))
    elif len(number) > 60:
        issues.append(Issue(_("Số quyết định dài quá 60 ký tự."), column="number"))
    if not signer:
        issues.append(Issue(_("Cần ghi người ký quyết định."), column="signer"))
    elif len(signer) > 200:
        issues.append(Issue(_("Tên người ký dài quá 200 ký tự."), column="signer"))
    if decided_on is None:
        issues.append(Issue(_("Cần ghi ngày quyết định."), column="decided_on"))
    elif decided_on > today:
        issues.append(Issue(_("Ngày quyết định không được sau hôm nay."), column="decided_on"))
    return issues


def add_entry(**fields) -> AwardEntry:
    """One award into the registry; its name's words join the typo-search dictionary and it
    is counted in the registry's statistics (same transaction: the caller's)."""
    remember_words([fields["name_key"]])
    entry = AwardEntry.objects.create(**fields)
    counts.add_entries([entry])
    return entry


def entry_audit(entry: AwardEntry) -> dict:
    return {
        "award": entry.award_type.code,
        "year": entry.year,
        "recipient": entry.recipient_name,
        "decision": entry.decision_number,
    }
