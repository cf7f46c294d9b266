"""The audit log stays append-only against every role but its owner, whatever the session sets.

pgtrigger's `append_only` trigger can be skipped by any role with `SET pgtrigger.ignore = ...`, and it does not
cover TRUNCATE. This statement-level trigger refuses UPDATE, DELETE and TRUNCATE unless the current role has
the privileges of the table's owner (migrations, maintenance: who could drop the trigger anyway), and reads
no setting. The application's role owns nothing (README, Database), so for it the log is append-only;
post_migrate also leaves that role only SELECT and INSERT on the table (medic.dbops.app_role_grants).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION medic_refuse_unless_owner() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
    IF pg_catalog.pg_has_role(
        current_user,
        (SELECT c.relowner FROM pg_catalog.pg_class c WHERE c.oid = TG_RELID),
        'USAGE'
    ) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused for role %', TG_TABLE_NAME, TG_OP, current_user
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

TRIGGER = """
CREATE TRIGGER medic_append_only
BEFORE UPDATE OR DELETE OR TRUNCATE ON appointments_appointmentevent
FOR EACH STATEMENT EXECUTE FUNCTION medic_refuse_unless_owner();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0008_search_read_model"),  # the latest when written; the lead orders the graph
    ]

    operations = [
        migrations.RunSQL(
            sql=[FUNCTION, TRIGGER],
            reverse_sql=[
                "DROP TRIGGER IF EXISTS medic_append_only ON appointments_appointmentevent;",
                "DROP FUNCTION IF EXISTS medic_refuse_unless_owner();",
            ],
        ),
    ]
