"""Writes on regulations and scores: permission, validation, transaction, audit."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, user_or_none
from thidua.accounts.audit import record
from thidua.common import sheets
from thidua.common.errors import Conflict, Issue, ValidationFailed
from thidua.common.numbers import format_vn
from thidua.orgs.models import Cluster, Membership, Unit
from thidua.scoring import audit_actions, regulation_io
from thidua.scoring.models import Criterion, ManualScore, Method, Regulation

MANUAL = (Method.MANUAL, Method.BONUS, Method.PENALTY)


def import_regulation(actor: Actor, data: dict, *, via: str = "web") -> Regulation:
    cluster, year, _rows = regulation_io.validate(data)
    perms.require(perms.can_run_cluster(actor, cluster.pk, year))
    with transaction.atomic():
        regulation = regulation_io.create_version(data)
        record(
            actor,
            audit_actions.REGULATION_IMPORTED,
            regulation,
            None,
            regulation_io.to_dict(regulation),
            via=via,
        )
    return regulation


class Unreadable(ValidationFailed):
    """A regulation workbook that cannot be read at all (the CLI exits 2 on it, not 1)."""


def read_regulation(
    content: bytes,
    *,
    excel: bool,
    limits: sheets.Limits | None = None,
    max_chars: int | None = None,
) -> dict:
    """A regulation file (YAML, or the Excel copy) as `import_regulation` takes it; every
    problem with the file itself is a ValidationFailed with a Vietnamese message."""
    if excel:
        return _read_excel(content, limits)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed([Issue(_("Tệp YAML phải mã hóa UTF-8."))]) from exc
    if max_chars is not None and len(text) > max_chars:
        raise ValidationFailed([Issue(_("Tệp YAML dài quá %(n)s ký tự.") % {"n": max_chars})])
    return regulation_io.parse_yaml(text)


def _read_excel(content: bytes, limits: sheets.Limits | None) -> dict:
    from python_calamine import CalamineError

    try:
        return regulation_io.parse_xlsx(content, limits)
    except ValidationFailed as exc:  # over a size limit
        raise Unreadable(exc.issues) from None
    except (CalamineError, ValueError, KeyError, IndexError, TypeError) as exc:
        # Not a workbook, or one without the two sheets and their headings.
        msg = _("Không đọc được tệp Excel của quy định (cần hai trang “Tiêu chí” và “Quy định”).")
        raise Unreadable([Issue(msg)]) from exc


def import_regulation_file(
    actor: Actor,
    content: bytes,
    *,
    excel: bool,
    target: tuple[Cluster, int] | None = None,
    via: str = "web",
    limits: sheets.Limits | None = None,
    max_chars: int | None = None,
) -> Regulation:
    """A regulation file into a new version, the one path of every door. A door that names
    the regulation (`target`: its cluster and year) has the permission asked before the file is
    read, so a refused caller learns nothing of it, and the file must be that regulation."""
    if target is not None:
        cluster, year = target
        perms.require(perms.can_run_cluster(actor, cluster.pk, year))
    data = read_regulation(content, excel=excel, limits=limits, max_chars=max_chars)
    if target is not None:
        regulation_io.require_target(data, *target)
    return import_regulation(actor, data, via=via)


def copy_to_year(
    actor: Actor, regulation: Regulation, year: int, *, via: str = "web"
) -> Regulation:
    data = regulation_io.shifted_to_year(regulation_io.to_dict(regulation), year)
    return import_regulation(actor, data, via=via)


def _check_open(regulation: Regulation) -> None:
    if regulation.published_at:
        raise ValidationFailed([Issue(_("Kết quả đã công bố; không sửa điểm được nữa."))])


def _check_points(criterion: Criterion, value: Decimal) -> None:
    if criterion.method not in MANUAL:
        raise ValidationFailed(
            [Issue(_("Tiêu chí %(c)s được chấm tự động từ số liệu.") % {"c": criterion.code})]
        )
    if value < 0 or value > criterion.max_points:
        msg = _("Điểm của %(c)s phải từ 0 đến %(m)s (nhận được %(v)s).")
        raise ValidationFailed(
            [
                Issue(
                    msg % {"c": criterion.code, "m": criterion.max_points, "v": value},
                    column=criterion.code,
                    value=str(value),
                )
            ]
        )


def _member(criterion: Criterion, unit: Unit) -> None:
    reg = criterion.regulation
    if not Membership.objects.filter(cluster=reg.cluster, year=reg.year, unit=unit).exists():
        raise ValidationFailed(
            [
                Issue(
                    _("%(u)s không phải thành viên của cụm năm %(y)s.") % {"u": unit, "y": reg.year}
                )
            ]
        )


def _locked_score(criterion: Criterion, unit: Unit, expected_version: int | None) -> ManualScore:
    """The score row, locked (created if new); refused when it is not the version the editor
    read (0: no score yet). None skips the check (the CLI, callers that read nothing)."""
    score, created = ManualScore.objects.select_for_update().get_or_create(
        criterion=criterion, unit=unit
    )
    stored = 0 if created else score.version
    if expected_version is not None and expected_version != stored:
        raise Conflict([_stale_issue(score, criterion, unit, stored)])
    if not created:
        score.version += 1
    return score


def _stale_issue(score: ManualScore, criterion: Criterion, unit: Unit, version: int) -> Issue:
    msg = _(
        "Điểm tiêu chí %(c)s của %(u)s đã được người khác sửa sau khi bạn mở trang "
        "(phiên bản %(v)s: tự chấm %(self)s, thẩm định %(review)s); điểm của bạn chưa được lưu. "
        "Tải lại trang để xem giá trị mới."
    )
    values = {
        "c": criterion.code,
        "u": unit,
        "v": version,
        "self": _points_text(score.self_points),
        "review": _points_text(score.review_points),
    }
    return Issue(msg % values, column=criterion.code)


def _points_text(value: Decimal | None) -> str:
    """Points with the decimals they need, at most two (9,5; 10): as the sheet shows them."""
    if value is None:
        return "–"
    exponent = value.normalize().as_tuple().exponent
    return format_vn(value, min(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 0)


def self_score(
    actor: Actor,
    criterion: Criterion,
    unit: Unit,
    points: Decimal,
    note: str = "",
    *,
    expected_version: int | None = None,
    via: str = "web",
) -> ManualScore:
    reg = criterion.regulation
    perms.require(
        perms.can_self_score(actor, unit.pk),
        _("Chỉ đơn vị %(u)s tự chấm điểm của mình.") % {"u": unit},
    )
    _check_open(reg)
    _check_points(criterion, points)
    _member(criterion, unit)
    if criterion.evidence_required and not note.strip():
        raise ValidationFailed(
            [
                Issue(
                    _("Tiêu chí %(c)s cần ghi minh chứng.") % {"c": criterion.code},
                    column=criterion.code,
                )
            ]
        )
    with transaction.atomic():
        score = _locked_score(criterion, unit, expected_version)
        before = {"self_points": score.self_points, "self_note": score.self_note}
        score.self_points, score.self_note = points, note.strip()
        score.save()
        record(
            actor,
            audit_actions.SCORE_SELF,
            score,
            before,
            {
                "self_points": points,
                "self_note": score.self_note,
                "criterion": criterion.code,
                "unit": unit.code,
            },
            via=via,
        )
    return score


def review_score(
    actor: Actor,
    criterion: Criterion,
    unit: Unit,
    points: Decimal,
    reason: str = "",
    *,
    expected_version: int | None = None,
    via: str = "web",
) -> ManualScore:
    reg = criterion.regulation
    perms.require(perms.can_run_cluster(actor, reg.cluster_id, reg.year))
    perms.require(
        perms.can_review_score(actor, reg.cluster_id, reg.year, unit.pk),
        _("Không thẩm định điểm của chính đơn vị mình; Ban Thi đua – Khen thưởng thẩm định."),
    )
    _check_open(reg)
    _check_points(criterion, points)
    _member(criterion, unit)
    with transaction.atomic():
        score = _locked_score(criterion, unit, expected_version)
        if score.self_points != points and not reason.strip():
            raise ValidationFailed(
                [
                    Issue(
                        _("Điểm thẩm định khác điểm tự chấm: cần ghi lý do."), column=criterion.code
                    )
                ]
            )
        before = {"review_points": score.review_points, "review_reason": score.review_reason}
        score.review_points, score.review_reason = points, reason.strip()
        score.reviewed_by = user_or_none(actor)
        score.save()
        record(
            actor,
            audit_actions.SCORE_REVIEWED,
            score,
            before,
            {
                "review_points": points,
                "review_reason": score.review_reason,
                "criterion": criterion.code,
                "unit": unit.code,
            },
            reason,
            via=via,
        )
    return score


def publish(actor: Actor, regulation: Regulation, *, via: str = "web") -> Regulation:
    perms.require(perms.can_run_cluster(actor, regulation.cluster_id, regulation.year))
    with transaction.atomic():
        regulation.published_at = timezone.now()
        regulation.save(update_fields=["published_at"])
        record(
            actor,
            audit_actions.REGULATION_PUBLISHED,
            regulation,
            None,
            {"published_at": regulation.published_at},
            via=via,
        )
    return regulation
