"""The desk's forms: each maps the services' error paths back onto its own fields."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from medic.clinic.models import ConsultationMode, Patient
from medic.errors import ValidationFailed

MODE_CHOICES = [("", "Any way"), *ConsultationMode.choices]


def set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def add_service_errors(form: forms.Form, exc: ValidationFailed, fields: Mapping[str, str | None]) -> None:
    """Put each error of a service beside the field it is about (the contract's JSON path → form field);
    errors about the request as a whole, or a field the form does not show, go on top."""
    for error in exc.errors:
        name = fields.get(error.path)
        form.add_error(name if name in form.fields else None, error.message)


class PatientForm(forms.ModelForm):
    """A patient created at the desk: a name and a phone number; email and date of birth if known."""

    class Meta:
        model = Patient
        fields = ["full_name", "phone", "email", "date_of_birth"]
        labels = {"full_name": "Full name", "date_of_birth": "Date of birth"}
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["phone"].required = True
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update(type="tel", autocomplete="off")


class FindTimesForm(forms.Form):
    """What to book and with whom (GET): the earliest free times come from these."""

    service = forms.ChoiceField(label="Service")
    doctor = forms.ChoiceField(label="Doctor", required=False)
    location = forms.ChoiceField(label="Location", required=False)
    mode = forms.ChoiceField(label="How", required=False, choices=MODE_CHOICES)
    date = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self,
        data: Mapping[str, object] | None,
        *,
        services: list[tuple[str, str]],
        doctors: list[tuple[str, str]],
        locations: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        set_choices(self, "service", [("", "Choose a service…"), *services])
        set_choices(self, "doctor", [("", "Any doctor"), *doctors])
        set_choices(self, "location", [("", "Any location"), *locations])


HOLD_FIELDS = {
    "patientId": "patient",
    "doctorId": "doctor",
    "appointmentTypeId": "appointment_type",
    "doctorLocationId": "location",
    "locationRoomId": "location",
    "consultationMode": "mode",
    "startsAt": None,
}


class HoldForm(forms.Form):
    """Hold one time for one patient (POST); `then` = "confirm" books it at once (a walk-in)."""

    patient = forms.UUIDField(error_messages={"required": "Choose the patient first."})
    doctor = forms.UUIDField()
    appointment_type = forms.UUIDField()
    starts_at = forms.DateTimeField()
    location = forms.UUIDField(required=False)
    mode = forms.ChoiceField(required=False, choices=MODE_CHOICES)


class WalkInForm(forms.Form):
    """Book the doctor's current or next free time today, in one step."""

    patient = forms.UUIDField(error_messages={"required": "Choose the patient first."})
    doctor = forms.ChoiceField(label="Doctor")
    service = forms.ChoiceField(label="Service")
    location = forms.ChoiceField(label="Location", required=False)
    mode = forms.ChoiceField(label="How", required=False, choices=MODE_CHOICES)

    def __init__(
        self,
        data: Mapping[str, object] | None,
        *,
        services: list[tuple[str, str]],
        doctors: list[tuple[str, str]],
        locations: list[tuple[str, str]],
        initial: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(data, initial=dict(initial) if initial else None, auto_id="walkin_%s")
        set_choices(self, "service", [("", "Choose a service…"), *services])
        set_choices(self, "doctor", [("", "Choose a doctor…"), *doctors])
        set_choices(self, "location", [("", "As scheduled"), *locations])


WALK_IN_FIELDS = {**HOLD_FIELDS, "appointmentTypeId": "service", "startsAt": "doctor"}


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=300,
        error_messages={"required": "Say why it is cancelled: the patient and the doctor will see it."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(error_messages={"required": "Choose a new time."})


class FinishForm(forms.Form):
    """No fields: the action is in the URL. Kept as a form so every POST goes through one path."""
