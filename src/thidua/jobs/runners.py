"""What each kind of job does, and the run of one job from its queue entry to its result."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.common.errors import ValidationFailed
from thidua.common.periods import parse_period
from thidua.jobs import files, importers
from thidua.jobs.models import Job
from thidua.jobs.progress import Progress
from thidua.orgs.models import Cluster
from thidua.reports.docx import DocumentError

log = logging.getLogger(__name__)
MAX_ERRORS = 1000  # a refused file's errors kept on the job (the count says how many in all)


class Refused(Exception):
    """The job cannot be done as asked; the message is for the user."""


def run_import(job: Job, progress: Progress) -> None:
    importer = importers.get(job.params["importer"])
    progress.set(force=True, phase="read")
    path = files.resolve(job.file_path)
    options = job.params.get("options") or {}
    result = importer.run(
        path, actor=job.started_by, filename=job.file_name, watch=progress, **options
    )
    found = result.as_dict() | {"dry_run": bool(options.get("dry_run"))}
    errors = found.get("errors") or []
    found["errors"], found["error_count"] = errors[:MAX_ERRORS], len(errors)
    job.result = found
    if not result.ok:
        raise Refused(_("Tệp bị từ chối; không có gì được ghi."))
    if importer.after is not None and not options.get("dry_run"):
        progress.set(force=True, phase="after")
        importer.after()


def run_dossier(job: Job, progress: Progress) -> None:
    from thidua.awards.dossier_docs import check_batch, dossier_bundle
    from thidua.awards.models import Proposal

    ids = job.params["ids"]
    found = {p.pk: p for p in Proposal.objects.filter(pk__in=ids)}
    proposals = [found[i] for i in ids if i in found]
    check_batch(job.started_by, proposals)  # still theirs to see when the worker gets to it
    progress.set(force=True, phase="build")
    bundle = dossier_bundle(proposals)
    _output(job, bundle.data, job.params["filename"])
    job.result = {"files": len(bundle.manifest["files"]), "notes": bundle.notes}


def run_review_pdf(job: Job, progress: Progress) -> None:
    from thidua.reports.publication import review_file

    params = job.params
    cluster = Cluster.objects.get(code=params["cluster"])
    p = parse_period(params["period"])
    perms.require(perms.can_view_cluster(job.started_by, cluster.pk, p.year))
    include_submitted = params.get("submitted", False) and perms.can_run_cluster(
        job.started_by, cluster.pk, p.year
    )
    progress.set(force=True, phase="build")
    content = review_file(
        cluster,
        p.code,
        pdf=True,
        live=params.get("live", False),
        include_submitted=include_submitted,
    )
    _output(job, content, f"bao-cao-{cluster.code}-{p.code}.pdf")


SHOWN_VERDICTS = 1000  # on the result page; the workbook has them all


def run_eligibility(job: Job, progress: Progress) -> None:
    from thidua.awards.eligibility_batch import check_file, verdicts_workbook

    progress.set(force=True, phase="read")
    on = job.params.get("on")
    found = check_file(
        job.started_by,
        files.resolve(job.file_path),
        filename=job.file_name,
        on=date.fromisoformat(on) if on else None,
        limit=settings.THIDUA_JOB_UPLOAD_BYTES,
        watch=progress,
    )
    errors = [e.as_dict() for e in found.errors]
    if not found.ok:
        job.result = {"errors": errors[:MAX_ERRORS], "error_count": len(errors)}
        raise Refused(_("Tệp bị từ chối; chưa xét dòng nào."))
    progress.set(force=True, phase="build")
    name = f"ket-qua-xet-dieu-kien-{PurePath(job.file_name).stem}.xlsx"
    _output(job, verdicts_workbook(found.verdicts), name)
    job.result = {
        "count": len(found.verdicts),
        "outcomes": found.counts(),
        "verdicts": found.verdicts[:SHOWN_VERDICTS],
    }


def _output(job: Job, data: bytes, name: str) -> None:
    path = files.write_output(data, PurePath(name).suffix)
    files.remove(job.output_path)  # an earlier attempt's, if it got that far
    job.output_path, job.output_name = path.name, name


RUNNERS = {
    Job.Kind.IMPORT: run_import,
    Job.Kind.DOSSIER: run_dossier,
    Job.Kind.REVIEW_PDF: run_review_pdf,
    Job.Kind.ELIGIBILITY: run_eligibility,
}
EXPECTED = (
    Refused,
    ValidationFailed,
    DocumentError,
    PermissionDenied,
    Http404,
    Cluster.DoesNotExist,
)


def run(job_id: int) -> str:
    """Run the job once; run again (a worker died midway), it starts over: every kind writes all
    or nothing (the import in one transaction, a file under a temporary name)."""
    job = Job.objects.select_related("started_by").get(pk=job_id)
    if job.finished:
        return job.state
    now = timezone.now()
    job.state, job.phase, job.error, job.result = Job.State.RUNNING, "start", "", None
    job.rows_read = job.rows_checked = job.rows_written = 0
    job.attempts += 1
    job.started_at = job.heartbeat_at = now
    job.save()
    progress = Progress(job)
    try:
        with translation.override(job.params.get("language") or "vi"):
            _run_kind(job, progress)
    finally:
        progress.close()
    job.finished_at = timezone.now()
    job.phase = "done"
    job.save()
    if job.file_path:
        files.remove(job.file_path)  # the list is imported or checked now, or was refused
    return job.state


def _run_kind(job: Job, progress: Progress) -> None:
    try:
        RUNNERS[job.kind](job, progress)
        job.state = Job.State.DONE
    except EXPECTED as exc:
        job.state, job.error = Job.State.FAILED, _message(exc)
    except Exception:
        log.exception("thidua: việc %s (%s) lỗi", job.pk, job.kind)
        job.state = Job.State.FAILED
        job.error = _("Lỗi không mong đợi; người quản trị xem nhật ký của tiến trình chạy nền.")
        job.finished_at, job.phase = timezone.now(), "done"
        job.save()
        raise


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(i.message for i in exc.issues)
    if isinstance(exc, PermissionDenied | Http404 | Cluster.DoesNotExist):
        return _("Bạn không còn quyền làm việc này.")
    return str(exc)
