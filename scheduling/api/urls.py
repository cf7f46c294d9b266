"""Routes of the scheduling API (no trailing slashes, as the contract writes them)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.api.closures import schedule_closures
from scheduling.api.views import ExceptionViewSet, ScheduleViewSet

router = SimpleRouter(trailing_slash=False)
# Exceptions first: "doctor/schedule/exceptions" must not be read as an action of the schedule viewset.
router.register("doctor/schedule/exceptions", ExceptionViewSet, basename="schedule-exception")
router.register("doctor/schedule", ScheduleViewSet, basename="schedule")

urlpatterns = [
    path("doctor/schedule/closures", schedule_closures, name="schedule-closures"),
    *router.urls,
]
