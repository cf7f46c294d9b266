"""The clinic directory app: clinics, locations, rooms, doctors, patients, appointment types, staff."""

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "medic.clinic"
    label = "clinic"
    verbose_name = "Clinic directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from medic.clinic import schema  # noqa: F401 - registers the OpenAPI auth extension
