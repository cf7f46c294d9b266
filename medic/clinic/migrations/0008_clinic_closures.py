"""Clinic closures: a clinic's public-holiday calendar (country and subdivision of the `holidays` package),
its own closure days and holidays switched off (ClinicClosure), and the triggers that keep the clinic
search's read model honest about them."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import medic.clinic.models

# The clinic search keeps computed starts while each doctor's availability stamp is unchanged
# (appointments.0008_search_read_model). Closures change every doctor of the clinic: any write to a clinic's
# own closures, and a change of its holiday calendar or zone, bumps them all, in the same transaction.
STAMP_TRIGGERS = [
    """
    CREATE FUNCTION clinic_clinicclosure_availability_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM appointments_availability_bump(ARRAY(
            SELECT d.id FROM clinic_doctor d
            WHERE d.clinic_id IN (SELECT clinic_id FROM changed_rows)
        ));
        RETURN NULL;
    END
    $$
    """,
    *(
        f"""
        CREATE TRIGGER availability_stamp_{event} AFTER {event.upper()} ON clinic_clinicclosure
        REFERENCING {table} TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION clinic_clinicclosure_availability_stamp()
        """
        for event, table in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD"))
    ),
    # An UPDATE moving a row to another clinic bumps the old clinic too.
    """
    CREATE TRIGGER availability_stamp_update_old AFTER UPDATE ON clinic_clinicclosure
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION clinic_clinicclosure_availability_stamp()
    """,
    """
    CREATE TRIGGER availability_stamp_truncate AFTER TRUNCATE ON clinic_clinicclosure
    FOR EACH STATEMENT EXECUTE FUNCTION appointments_availability_bump_all()
    """,
    """
    CREATE FUNCTION clinic_clinic_calendar_availability_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM appointments_availability_bump_clinic(NEW.id);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER availability_stamp_calendar AFTER UPDATE OF holiday_country, holiday_subdivision, timezone
    ON clinic_clinic FOR EACH ROW
    WHEN (OLD.holiday_country IS DISTINCT FROM NEW.holiday_country
          OR OLD.holiday_subdivision IS DISTINCT FROM NEW.holiday_subdivision
          OR OLD.timezone IS DISTINCT FROM NEW.timezone)
    EXECUTE FUNCTION clinic_clinic_calendar_availability_stamp()
    """,
]
STAMP_TRIGGERS_BACKWARD = [
    "DROP TRIGGER IF EXISTS availability_stamp_calendar ON clinic_clinic",
    "DROP FUNCTION IF EXISTS clinic_clinic_calendar_availability_stamp()",
    *(
        f"DROP TRIGGER IF EXISTS availability_stamp_{event} ON clinic_clinicclosure"
        for event in ("insert", "update", "update_old", "delete", "truncate")
    ),
    "DROP FUNCTION IF EXISTS clinic_clinicclosure_availability_stamp()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0007_reminder_hours"),
        # The stamp functions the triggers below call.
        ("appointments", "0008_search_read_model"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClinicClosure",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                ("date", models.DateField(help_text="The whole day, in the clinic's time zone.")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("custom", "Closed (clinic's own closure)"),
                            ("holiday_off", "Open on a public holiday"),
                        ],
                        default="custom",
                        max_length=16,
                    ),
                ),
                (
                    "name",
                    models.CharField(blank=True, help_text="What the closure is called.", max_length=200),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "ordering": ["clinic__name", "date"],
            },
        ),
        migrations.AddField(
            model_name="clinic",
            name="holiday_country",
            field=models.CharField(
                blank=True,
                default="",
                help_text="Public holidays of this country (ISO 3166 code) close the clinic. Empty: none.",
                max_length=2,
                validators=[medic.clinic.models.validate_holiday_country],
            ),
        ),
        migrations.AddField(
            model_name="clinic",
            name="holiday_subdivision",
            field=models.CharField(
                blank=True,
                default="",
                help_text="The region whose own holidays apply too (e.g. BY for Bavaria). Empty: national.",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="clinic",
            constraint=models.CheckConstraint(
                condition=models.Q(("holiday_country__regex", "^([A-Z]{2})?$")),
                name="clinic_holiday_country_code",
            ),
        ),
        migrations.AddConstraint(
            model_name="clinic",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("holiday_country", ""), _negated=True),
                    ("holiday_subdivision", ""),
                    _connector="OR",
                ),
                name="clinic_holiday_subdivision_needs_country",
            ),
        ),
        migrations.AddField(
            model_name="clinicclosure",
            name="clinic",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="closures", to="clinic.clinic"
            ),
        ),
        migrations.AddConstraint(
            model_name="clinicclosure",
            constraint=models.UniqueConstraint(
                fields=("clinic", "date"),
                name="clinic_closure_one_per_day",
                violation_error_message="This day already has a closure or a holiday switch.",
            ),
        ),
        migrations.AddConstraint(
            model_name="clinicclosure",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["custom", "holiday_off"])), name="clinic_closure_kind_known"
            ),
        ),
        migrations.AddConstraint(
            model_name="clinicclosure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "custom"), _negated=True),
                    models.Q(("name", ""), _negated=True),
                    _connector="OR",
                ),
                name="clinic_closure_custom_named",
                violation_error_message="A closure of the clinic's own needs a name.",
            ),
        ),
        migrations.RunSQL(tuple(STAMP_TRIGGERS), tuple(STAMP_TRIGGERS_BACKWARD)),
    ]
