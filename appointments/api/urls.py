"""Routes of the booking API (no trailing slashes, as the contract writes them)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from appointments.api.availability import clinic_availability, doctor_availability
from appointments.api.explain import doctor_availability_explain
from appointments.api.views import AppointmentViewSet
from appointments.feeds.api import calendar_feed, rotate_calendar_feed

router = SimpleRouter(trailing_slash=False)
router.register("appointments", AppointmentViewSet, basename="appointment")

urlpatterns = [
    path("doctors/<uuid:doctor_id>/availability", doctor_availability, name="doctor-availability"),
    path(
        "doctors/<uuid:doctor_id>/availability/explain",
        doctor_availability_explain,
        name="doctor-availability-explain",
    ),
    path("availability", clinic_availability, name="clinic-availability"),
    path("doctor/calendar-feed", calendar_feed, name="doctor-calendar-feed"),
    path("doctor/calendar-feed/rotate", rotate_calendar_feed, name="doctor-calendar-feed-rotate"),
    *router.urls,
]
