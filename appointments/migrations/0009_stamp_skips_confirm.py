"""An update of appointments moves the doctor's availability stamp only when it can change availability.

Confirming a live hold changes nothing availability reads: the time was busy as a hold and stays busy as a
booking, and every start kept while it was a hold is dropped anyway once the hold would have run out
(`Schedule.holds_until`). Bumping the stamp there made every confirm wait for the doctor's stamp row behind
the holds being inserted for that doctor (and them behind it), for nothing. The same goes for updates that
touch none of the columns availability reads (notes, reminder marks, timestamps).

Everything else still bumps, as before: a new doctor, time, buffer, service, place or mode; any other status
change; a hold's expiry moved; and a confirm in a hold's last minute (a search might already have read the
hold as run out, by a clock a little ahead of the database's).
"""

from __future__ import annotations

from django.db import migrations

FUNCTION = "appointments_appointment_availability_stamp_update"

SAME = " AND ".join(
    f"o.{column} IS NOT DISTINCT FROM n.{column}"
    for column in (
        "doctor_id",
        "starts_at",
        "ends_at",
        "busy_starts_at",
        "busy_ends_at",
        "appointment_type_id",
        "location_id",
        "room_id",
        "consultation_mode",
    )
)

FORWARD = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM appointments_availability_bump(ARRAY(
        SELECT d FROM old_rows o JOIN new_rows n ON n.id = o.id,
             LATERAL (VALUES (o.doctor_id), (n.doctor_id)) AS v(d)
        WHERE NOT ({SAME} AND (
            (o.status = n.status AND o.hold_expires_at IS NOT DISTINCT FROM n.hold_expires_at)
            OR (o.status = 'held' AND n.status = 'confirmed' AND o.hold_expires_at > now() + interval '1 minute')
        ))
    ));
    RETURN NULL;
END
$$
"""

BACKWARD = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM appointments_availability_bump(ARRAY(SELECT doctor_id FROM old_rows UNION SELECT doctor_id FROM new_rows));
    RETURN NULL;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [("appointments", "0007_audit_log_append_only_for_app_role")]  # the leaf (it follows 0008)

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
