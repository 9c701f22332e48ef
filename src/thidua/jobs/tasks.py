"""The one task the worker runs for the web: a Job, by its id (`thidua.jobs.runners`)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from thidua.jobs import runners

    return runners.run(job_id)
