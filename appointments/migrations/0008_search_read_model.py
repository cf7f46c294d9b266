"""The clinic search's read model: a per-doctor availability stamp that the database bumps on every write to
what availability reads (appointments, weekly rules, their breaks, time off and openings), so a process may
keep computed starts for as long as the doctor's stamp is unchanged (`appointments.availability.search`).

Triggers rather than calls in the services: a raw UPDATE, the admin, a cascade or a bulk job cannot forget
them. Statement-level with transition tables, so a bulk write is one upsert, and the stamps are locked in
doctor order (two bulk writes never deadlock on them). Versions come from one sequence, so a stamp is never
reused, not even after a rollback or a doctor deleted and recreated. No foreign key to the doctor: a doctor
deleted with their appointments must not trip over the stamp their own deletion wrote.

Clinic closures bump every doctor of the clinic from their own triggers (clinic.0008_clinic_closures) with
these functions; a doctor moved to another clinic is bumped here.
"""

from __future__ import annotations

from django.db import migrations

STAMP = "appointments_availability_stamp"
SEQUENCE = "appointments_availability_stamp_seq"

# Each table availability reads, and how its changed rows (a transition table `{rows}`) name their doctors.
SOURCES = {
    "appointments_appointment": "SELECT doctor_id FROM {rows}",
    "scheduling_schedulerule": "SELECT doctor_id FROM {rows}",
    "scheduling_availabilityexception": "SELECT doctor_id FROM {rows}",
    # A break deleted with its rule (ON DELETE CASCADE) finds no rule here: the rule's own trigger bumps.
    "scheduling_schedulerulebreak": (
        "SELECT r.doctor_id FROM scheduling_schedulerule r WHERE r.id IN (SELECT rule_id FROM {rows})"
    ),
}
# Transition tables: one event per trigger (PostgreSQL allows no more with them).
EVENTS = {"insert": ("new_rows",), "update": ("old_rows", "new_rows"), "delete": ("old_rows",)}


def _function(table: str, event: str) -> str:
    return f"{table}_availability_stamp_{event}"


FORWARD = [
    f"CREATE SEQUENCE {SEQUENCE}",
    f"""
    CREATE TABLE {STAMP} (
        doctor_id uuid PRIMARY KEY,
        version bigint NOT NULL
    )
    """,
    f"""
    COMMENT ON TABLE {STAMP} IS
    'Per doctor: changes whenever anything availability reads changes (triggers of migration '
    'appointments.0008_search_read_model); the clinic search keeps computed starts while it does not.'
    """,
    f"""
    CREATE FUNCTION appointments_availability_bump(doctors uuid[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO {STAMP} AS s (doctor_id, version)
        SELECT d, nextval('{SEQUENCE}')
        FROM (SELECT DISTINCT unnest(doctors) AS d) AS changed
        WHERE d IS NOT NULL
        ORDER BY d
        ON CONFLICT (doctor_id) DO UPDATE SET version = EXCLUDED.version
    $$
    """,
    """
    CREATE FUNCTION appointments_availability_bump_clinic(clinic uuid) RETURNS void LANGUAGE sql AS $$
        SELECT appointments_availability_bump(ARRAY(SELECT id FROM clinic_doctor WHERE clinic_id = clinic))
    $$
    """,
    # TRUNCATE names no rows: every doctor's stamp moves.
    """
    CREATE FUNCTION appointments_availability_bump_all() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM appointments_availability_bump(ARRAY(SELECT id FROM clinic_doctor));
        RETURN NULL;
    END
    $$
    """,
    # A doctor moved to another clinic takes on its closures (their zone is part of the search's key).
    """
    CREATE FUNCTION clinic_doctor_availability_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM appointments_availability_bump(ARRAY[NEW.id]);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER availability_stamp_clinic AFTER UPDATE OF clinic_id ON clinic_doctor FOR EACH ROW
    WHEN (OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
    EXECUTE FUNCTION clinic_doctor_availability_stamp()
    """,
    # Doctors with data from before these triggers get a stamp now (a missing stamp reads as 0).
    "SELECT appointments_availability_bump(ARRAY(SELECT id FROM clinic_doctor))",
]
BACKWARD = []

for _table, _select in SOURCES.items():
    for _event, _rows in EVENTS.items():
        _doctors = " UNION ".join(_select.format(rows=r) for r in _rows)
        FORWARD += [
            f"""
            CREATE FUNCTION {_function(_table, _event)}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM appointments_availability_bump(ARRAY({_doctors}));
                RETURN NULL;
            END
            $$
            """,
            f"""
            CREATE TRIGGER availability_stamp_{_event} AFTER {_event.upper()} ON {_table}
            REFERENCING {" ".join(f"{r.split('_')[0].upper()} TABLE AS {r}" for r in _rows)}
            FOR EACH STATEMENT EXECUTE FUNCTION {_function(_table, _event)}()
            """,
        ]
        BACKWARD += [
            f"DROP TRIGGER IF EXISTS availability_stamp_{_event} ON {_table}",
            f"DROP FUNCTION IF EXISTS {_function(_table, _event)}()",
        ]
    FORWARD.append(
        f"""
        CREATE TRIGGER availability_stamp_truncate AFTER TRUNCATE ON {_table}
        FOR EACH STATEMENT EXECUTE FUNCTION appointments_availability_bump_all()
        """
    )
    BACKWARD.insert(0, f"DROP TRIGGER IF EXISTS availability_stamp_truncate ON {_table}")

BACKWARD += [
    "DROP TRIGGER IF EXISTS availability_stamp_clinic ON clinic_doctor",
    "DROP FUNCTION IF EXISTS clinic_doctor_availability_stamp()",
    "DROP FUNCTION IF EXISTS appointments_availability_bump_all()",
    "DROP FUNCTION IF EXISTS appointments_availability_bump_clinic(uuid)",
    "DROP FUNCTION IF EXISTS appointments_availability_bump(uuid[])",
    f"DROP TABLE IF EXISTS {STAMP}",
    f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
]


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0006_desk_notices_seen"),
        ("scheduling", "0002_database_cascades"),
        ("clinic", "0007_reminder_hours"),
    ]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
