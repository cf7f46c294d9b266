"""Bookings: appointments, holds, the audit log, resources and seats."""

from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = "Appointments"
    default_auto_field = "django.db.models.BigAutoField"
