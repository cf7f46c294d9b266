"""The request counters of medic.throttling: one row per (scope, caller), shared by every worker.

UNLOGGED: counters need no crash safety (a restart forgets them, which only forgives), and skipping the WAL
keeps the one upsert per throttled request cheap."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        migrations.RunSQL(
            """
            CREATE UNLOGGED TABLE medic_request_throttle (
                key text PRIMARY KEY,
                window_start bigint NOT NULL,
                hits integer NOT NULL CHECK (hits > 0)
            )
            """,
            "DROP TABLE medic_request_throttle",
        )
    ]
