"""Starting jobs: the permission check, the job's row, its audit entry and its queue entry in one
transaction (a job is never queued without its row, nor recorded without being queued)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, user_or_none
from thidua.accounts.audit import record
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import Period
from thidua.jobs import audit_actions, files, importers
from thidua.jobs.models import Job
from thidua.orgs.models import Cluster
from thidua.reports.docx import LO_HINT, soffice


def can_see(user: Actor, job: Job) -> bool:
    """The one who started it, and the board."""
    return (job.started_by_id is not None and job.started_by_id == user.pk) or perms.is_board(user)


def start(actor: Actor, kind: str, title: Any, params: dict, **fields: Any) -> Job:
    from thidua.jobs.tasks import run_job

    params = {"language": get_language() or "vi", **params}
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=str(title)[:200],
            params=params,
            started_by=user_or_none(actor),
            **fields,
        )
        job.task_id = str(run_job.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
        after = {"kind": kind, "title": job.title, "file": job.file_name}
        record(actor, audit_actions.JOB_STARTED, job, None, after)
    return job


def start_import(actor: Actor, name: str, upload: UploadedFile, options: dict | None = None) -> Job:
    """An uploaded list imported by the worker (all or nothing); the upload is kept on disk
    (moved there, never read into memory) until the job ends. `options`: the importer's flags
    (the people import's dry_run)."""
    importer = importers.get(name)
    perms.require(importer.may_start(actor))
    options = {k: bool(v) for k, v in (options or {}).items() if k in importer.options}
    title = f"{importer.title}: {_upload_name(upload)}"
    params = {"importer": name, "options": options}
    return _start_with_file(actor, Job.Kind.IMPORT, title, params, upload, importer.suffixes)


def _upload_name(upload: Any) -> str:
    if upload is None:
        raise ValidationFailed([Issue(_("Chưa chọn tệp."), column="file")])
    return PurePath(upload.name or "").name


def _start_with_file(
    actor: Any, kind: str, title: str, params: dict, upload: Any, suffixes: tuple[str, ...]
) -> Job:
    """A job reading an upload: its type checked, the file moved to the jobs folder (removed
    again if the job cannot be queued)."""
    filename = _upload_name(upload)
    suffix = PurePath(filename).suffix.lower()
    if suffix not in suffixes:
        allowed = ", ".join(suffixes)
        msg = _("Tệp “%(name)s” không đúng loại: nhận %(allowed)s.")
        raise ValidationFailed([Issue(msg % {"name": filename, "allowed": allowed}, column="file")])
    path = files.keep_upload(upload, suffix)
    try:
        return start(actor, kind, title, params, file_name=filename, file_path=path.name)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def start_eligibility(actor: Actor, upload: Any, on: date | None = None) -> Job:
    """A batch eligibility file checked by the worker (`thidua eligibility --file`'s columns),
    its verdicts on the job's page and in a workbook; `on`: the day the nominees are considered
    (today when None)."""
    from thidua.awards.eligibility_batch import may_check_batch

    perms.require(may_check_batch(actor))
    title = _("Xét điều kiện theo danh sách: %(name)s") % {"name": _upload_name(upload)}
    params = {"on": on.isoformat() if on else None}
    suffixes = importers.Importer.suffixes
    return _start_with_file(actor, Job.Kind.ELIGIBILITY, title, params, upload, suffixes)


def start_dossier(actor: Actor, proposals: list, filename: str) -> Job:
    from thidua.awards.dossier_docs import check_batch

    check_batch(actor, proposals)
    title = _("Bộ hồ sơ %(name)s") % {"name": filename}
    return start(
        actor, Job.Kind.DOSSIER, title, {"ids": [p.pk for p in proposals], "filename": filename}
    )


def pdf_missing() -> str | None:
    """What the server needs for PDF, or None when LibreOffice is there."""
    if soffice() is not None:
        return None
    msg = _("Máy chủ chưa cài LibreOffice nên chưa tạo được PDF; người quản trị cài bằng: %(cmd)s")
    return msg % {"cmd": LO_HINT}


def start_review_pdf(
    actor: Actor, cluster: Cluster, period: Period, *, live: bool, submitted: bool
) -> Job:
    perms.require(perms.can_view_cluster(actor, cluster.pk, period.year))
    missing = pdf_missing()
    if missing:
        raise ValidationFailed([Issue(missing)])
    title = _("Báo cáo %(cluster)s %(period)s (PDF)") % {
        "cluster": cluster.name,
        "period": period.label().lower(),
    }
    params = {"cluster": cluster.code, "period": period.code, "live": live, "submitted": submitted}
    return start(actor, Job.Kind.REVIEW_PDF, title, params)


def purge_outputs(now: datetime | None = None) -> int:
    """Delete the files of jobs finished more than THIDUA_UPLOAD_KEEP_HOURS ago (`thidua uploads
    purge`); their pages then say so. How many files."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    cutoff = (now or timezone.now()) - timedelta(hours=settings.THIDUA_UPLOAD_KEEP_HOURS)
    old = Job.objects.filter(finished_at__lt=cutoff).exclude(output_path="")
    names = list(old.values_list("output_path", flat=True))
    for name in names:
        files.remove(name)
    old.update(output_path="")
    return len(names)
