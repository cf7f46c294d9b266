"""The patient pages' forms: sign-up, picking a time, and changing a booking."""

from __future__ import annotations

import uuid
from datetime import datetime

from django import forms
from django.contrib.auth import password_validation

from medic.clinic.models import ConsultationMode, User, validate_timezone


class SignUpForm(forms.Form):
    """A patient's own account: the login and the patient record come from these four fields."""

    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(label="Email")
    phone = forms.CharField(label="Phone", max_length=40)
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not only digits, not a common password.",
    )
    timezone = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-tz": ""}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update(type="tel", autocomplete="tel")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email exists already: sign in instead.")
        return email

    def clean_timezone(self) -> str:
        name = self.cleaned_data.get("timezone") or ""
        try:
            validate_timezone(name)
        except forms.ValidationError:
            return ""  # the browser's guess is only a convenience: the clinic's zone is used instead
        return name

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            probe = User(email=data.get("email") or "", full_name=data.get("full_name") or "")
            try:
                password_validation.validate_password(str(password), probe)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


MODE_CHOICES = [("", "Choose…"), *ConsultationMode.choices]


class PickForm(forms.Form):
    """The time a patient picks on the day view: the button's value, and where/how when the schedule
    leaves that open."""

    pick = forms.CharField()
    location = forms.UUIDField(required=False)
    mode = forms.ChoiceField(required=False, choices=MODE_CHOICES)

    def clean_pick(self) -> tuple[uuid.UUID, uuid.UUID, datetime]:
        try:
            doctor, service, at = self.cleaned_data["pick"].split("|")
            starts_at = datetime.fromisoformat(at.replace("Z", "+00:00"))
            if starts_at.tzinfo is None:
                raise ValueError(at)
            return uuid.UUID(doctor), uuid.UUID(service), starts_at
        except ValueError as exc:
            raise forms.ValidationError("Choose one of the free times.") from exc


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason", required=False, max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(error_messages={"required": "Choose a new time."})
