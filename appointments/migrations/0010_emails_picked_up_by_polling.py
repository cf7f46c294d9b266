"""Email jobs are picked up by the worker's polling (every second), not announced with NOTIFY.

Procrastinate's insert trigger sends a NOTIFY for every job. PostgreSQL serialises the commits of all
transactions that notify: each takes one database-wide lock before its commit record and holds it while
the WAL is flushed to disk. Every confirm, cancel and reschedule queues its notice emails in its own
transaction, so under load they queued up behind each other's disk flush (the confirm's largest wait in
`pg_stat_activity` at 64 clients; docs/PERFORMANCE.md). An email a second later costs nobody anything;
the worker polls the `emails` queue every second (`PROCRASTINATE_WORKER_DEFAULTS`), and jobs of the other
queues are still announced at once.

Should a later Procrastinate migration recreate its trigger, the NOTIFYs simply come back: nothing breaks.
"""

from __future__ import annotations

from django.db import migrations

TRIGGER = "procrastinate_jobs_notify_queue_job_inserted_v1"


def _trigger(condition: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON procrastinate_jobs;
CREATE TRIGGER {TRIGGER}
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW WHEN ({condition})
    EXECUTE PROCEDURE procrastinate_notify_queue_job_inserted_v1();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0009_stamp_skips_confirm"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]

    operations = [
        migrations.RunSQL(
            sql=_trigger("new.status = 'todo'::procrastinate_job_status AND new.queue_name <> 'emails'"),
            reverse_sql=_trigger("new.status = 'todo'::procrastinate_job_status"),
        )
    ]
