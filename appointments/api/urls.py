"""Routes of the booking API (no trailing slashes, as the contract writes them)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from appointments.api.views import AppointmentViewSet, clinic_availability, doctor_availability

router = SimpleRouter(trailing_slash=False)
router.register("appointments", AppointmentViewSet, basename="appointment")

urlpatterns = [
    path("doctors/<uuid:doctor_id>/availability", doctor_availability, name="doctor-availability"),
    path("availability", clinic_availability, name="clinic-availability"),
    *router.urls,
]
