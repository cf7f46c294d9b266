"""ON DELETE CASCADE in the database itself (Django 5.2 only cascades in Python).

A separate migration because Django adds a new table's foreign keys at the end of the migration that
creates it, after any operation of that migration could change them."""

from django.db import migrations

from medic.dbops import database_on_delete


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        database_on_delete(
            [
                ("scheduling.DoctorSchedule", "doctor"),
                ("scheduling.ScheduleRule", "doctor"),
                ("scheduling.ScheduleRule", "appointment_type"),
                ("scheduling.ScheduleRule", "location"),
                ("scheduling.ScheduleRule", "room"),
                ("scheduling.ScheduleRuleBreak", "rule"),
                ("scheduling.AvailabilityException", "doctor"),
                ("scheduling.AvailabilityException", "appointment_type"),
                ("scheduling.AvailabilityException", "location"),
                ("scheduling.AvailabilityException", "room"),
            ]
        ),
    ]
