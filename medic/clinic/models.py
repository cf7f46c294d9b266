"""The clinic directory: who works where, who books, and the login accounts behind them."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
import zoneinfo
from functools import cache
from typing import ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Value
from django.db.models.functions import Lower
from django.utils import timezone


class ConsultationMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    PHONE = "phone", "Phone"


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _zone_names():
        raise ValidationError(
            "Unknown IANA time zone %(value)s.", code="INVALID_TIMEZONE", params={"value": value}
        )


# The `holidays` package is imported on first use: importing it costs most of a second.


@cache
def holiday_countries() -> dict[str, str]:
    """ISO code → English name of every country the `holidays` package has a calendar for."""
    import holidays
    from holidays.registry import COUNTRIES

    # The registry names each calendar's class: "UnitedArabEmirates" reads "United Arab Emirates".
    names = {codes[1]: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", codes[0]) for codes in COUNTRIES.values()}
    return {
        code: names.get(code, code) for code in sorted(holidays.list_supported_countries()) if len(code) == 2
    }


def holiday_subdivisions(country: str) -> tuple[str, ...]:
    """The subdivision codes the `holidays` package knows for `country` (empty for an unknown one)."""
    import holidays

    return tuple(holidays.list_supported_countries().get(country, ()))


def validate_holiday_country(value: str) -> None:
    if value and value not in holiday_countries():
        raise ValidationError(
            "No public-holiday calendar for country %(value)s.",
            code="INVALID_COUNTRY",
            params={"value": value},
        )


def validate_holiday_subdivision(country: str, subdivision: str) -> None:
    """A subdivision needs a country, and must be one of that country's."""
    if not subdivision:
        return
    if not country:
        raise ValidationError(
            {"holiday_subdivision": ValidationError("Choose a country first.", code="REQUIRED")}
        )
    if subdivision not in holiday_subdivisions(country):
        known = ", ".join(holiday_subdivisions(country)) or "none"
        raise ValidationError(
            {
                "holiday_subdivision": ValidationError(
                    "%(country)s has no subdivision %(value)s (known: %(known)s).",
                    code="INVALID_SUBDIVISION",
                    params={"country": country, "value": subdivision, "known": known},
                )
            }
        )


class UUIDModel(models.Model):
    """UUID primary keys everywhere: the API's ids are uuids and never reveal row counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")

    def _create(self, email: str, password: str | None, **fields: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(UUIDModel, AbstractBaseUser, PermissionsMixin):
    """A login, identified by email (case-insensitive). What it may do comes from the rows linked to it."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May log in to the admin site.")
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the owner proved the address (a signed link by email); patients who signed up "
        "themselves confirm a booking only once it is set.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Clinic(UUIDModel):
    name = models.CharField(max_length=200, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    is_public = models.BooleanField(
        default=False,
        help_text=(
            "Listed in the public directory: anyone may see its doctors, services and bookable times. "
            "A private clinic is visible only to its staff, its doctors and its patients."
        ),
    )
    max_holds_per_patient = models.PositiveSmallIntegerField(
        default=2,
        help_text="How many slots one patient may hold at once with this clinic's doctors (1–20).",
    )
    reminder_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="How many hours before an appointment its patient gets a reminder email (1–168).",
    )
    # Clinic closures (medic.clinic.closures): the public holidays of this calendar close the clinic.
    holiday_country = models.CharField(
        max_length=2,
        blank=True,
        default="",
        validators=[validate_holiday_country],
        help_text="Public holidays of this country (ISO 3166 code) close the clinic. Empty: none.",
    )
    holiday_subdivision = models.CharField(
        max_length=10,
        blank=True,
        default="",
        help_text="The region whose own holidays apply too (e.g. BY for Bavaria). Empty: national.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(holiday_country__regex=r"^([A-Z]{2})?$"),
                name="clinic_holiday_country_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(holiday_country="") | models.Q(holiday_subdivision=""),
                name="clinic_holiday_subdivision_needs_country",
            ),
            models.CheckConstraint(
                condition=models.Q(max_holds_per_patient__gte=1, max_holds_per_patient__lte=20),
                name="clinic_max_holds_range",
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_hours__gte=1, reminder_hours__lte=168),
                name="clinic_reminder_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        validate_holiday_subdivision(self.holiday_country, self.holiday_subdivision)


class ClinicClosure(UUIDModel):
    """A day the clinic's staff set apart from its public-holiday calendar: a closure of their own
    ("Clinic training day") or a public holiday switched off (the clinic opens as usual). One row per
    clinic and date; the holidays themselves are computed, never stored (medic.clinic.closures)."""

    class Kind(models.TextChoices):
        CUSTOM = "custom", "Closed (clinic's own closure)"
        HOLIDAY_OFF = "holiday_off", "Open on a public holiday"

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(help_text="The whole day, in the clinic's time zone.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CUSTOM)
    name = models.CharField(max_length=200, blank=True, help_text="What the closure is called.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["clinic__name", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "date"],
                name="clinic_closure_one_per_day",
                violation_error_message="This day already has a closure or a holiday switch.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["custom", "holiday_off"]), name="clinic_closure_kind_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="custom") | ~models.Q(name=""),
                name="clinic_closure_custom_named",
                violation_error_message="A closure of the clinic's own needs a name.",
            ),
        ]

    def __str__(self) -> str:
        what = self.name or "public holiday"
        return f"{self.date.isoformat()} · {what} ({self.get_kind_display()})"


class Location(UUIDModel):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["clinic__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="location_name_unique_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.clinic.name})"


class Room(UUIDModel):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["location__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="room_name_unique_per_location")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.location.name}"


class Doctor(UUIDModel):
    """A doctor of one clinic, working at one or more of its locations."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="doctor")
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="doctors")
    display_name = models.CharField(max_length=200)
    specialty = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(
        max_length=64, blank=True, validators=[validate_timezone], help_text="Empty: the clinic's time zone."
    )
    locations = models.ManyToManyField(Location, related_name="doctors", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def effective_timezone(self) -> str:
        return self.timezone or self.clinic.timezone


class Patient(UUIDModel):
    """Someone who books. Linked to a login when they use the API themselves; staff may create others."""

    user = models.OneToOneField(User, on_delete=models.PROTECT, related_name="patient", null=True, blank=True)
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        related_name="patients",
        null=True,
        blank=True,
        help_text="The clinic that registered this patient, if any.",
    )
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    # The phone's digits only, kept by the database, so "5550101" finds "+30 210 555 0101".
    phone_digits = models.GeneratedField(
        expression=Func(F("phone"), Value("[^0-9]"), Value(""), Value("g"), function="regexp_replace"),
        output_field=models.CharField(max_length=40),
        db_persist=True,
    )
    date_of_birth = models.DateField(null=True, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])

    class Meta:
        ordering = ["full_name"]
        indexes = [
            models.Index(Lower("email"), name="patient_email_ci_idx"),
            # The front desk finds patients by any part of a name, phone or email (pg_trgm).
            GinIndex(fields=["full_name"], opclasses=["gin_trgm_ops"], name="patient_name_trgm_idx"),
            GinIndex(fields=["phone_digits"], opclasses=["gin_trgm_ops"], name="patient_phone_trgm_idx"),
            GinIndex(fields=["email"], opclasses=["gin_trgm_ops"], name="patient_email_trgm_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name


class AppointmentType(UUIDModel):
    """A service a doctor offers: how long it lasts and how it may be held."""

    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="appointment_types")
    name = models.CharField(max_length=200)
    duration_minutes = models.PositiveIntegerField(default=30)
    consultation_modes = ArrayField(
        models.CharField(max_length=16, choices=ConsultationMode.choices),
        default=list,
        blank=True,
        help_text="Modes this service may be held in (empty: any).",
    )
    # Booking rules (as Cal.com/Calendly users expect); all shape availability and are re-checked on a hold.
    buffer_before_minutes = models.PositiveIntegerField(
        default=0,
        help_text="Free time kept before each appointment (may not overlap another's time or buffer).",
    )
    buffer_after_minutes = models.PositiveIntegerField(
        default=0, help_text="Free time kept after each appointment."
    )
    min_notice_minutes = models.PositiveIntegerField(
        default=60, help_text="How soon before its start a slot may be booked."
    )
    max_advance_days = models.PositiveIntegerField(default=90, help_text="How far ahead one may book.")
    daily_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="At most this many bookings of the doctor per day (empty: no cap)."
    )
    cancellation_notice_minutes = models.PositiveIntegerField(
        default=24 * 60,
        help_text="Until how long before its start a patient may cancel or move a booking themselves.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["doctor__display_name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["doctor", "name"], name="appointment_type_name_unique_per_doctor"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=24 * 60),
                name="appointment_type_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(consultation_modes__contained_by=list(ConsultationMode.values)),
                name="appointment_type_modes_known",
            ),
            models.CheckConstraint(
                condition=models.Q(buffer_before_minutes__lte=24 * 60, buffer_after_minutes__lte=24 * 60),
                name="appointment_type_buffers_range",
            ),
            models.CheckConstraint(
                condition=models.Q(max_advance_days__gte=1, max_advance_days__lte=730),
                name="appointment_type_advance_range",
            ),
            models.CheckConstraint(
                condition=models.Q(daily_cap__isnull=True) | models.Q(daily_cap__gte=1),
                name="appointment_type_daily_cap_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(min_notice_minutes__lte=30 * 24 * 60),
                name="appointment_type_min_notice_range",
            ),
            models.CheckConstraint(
                condition=models.Q(cancellation_notice_minutes__lte=30 * 24 * 60),
                name="appointment_type_cancellation_notice_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class StaffMembership(UUIDModel):
    """Clinic staff: an admin manages the clinic's directory; a receptionist manages patients and bookings."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Clinic admin"
        RECEPTIONIST = "receptionist", "Receptionist"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RECEPTIONIST)

    class Meta:
        ordering = ["clinic__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="membership_unique_per_clinic"),
            models.CheckConstraint(
                condition=models.Q(role__in=["admin", "receptionist"]), name="membership_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.email} · {self.get_role_display()} · {self.clinic.name}"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(UUIDModel):
    """An API token; only its SHA-256 digest is stored, so a database leak reveals no usable key."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=8, help_text="The key's first characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.email})"

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        """Create a token for `user`; returns the row and the key, which is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], digest=hash_token(key))
        return token, key
