"""Routes of the scheduling API (no trailing slashes, as the contract writes them)."""

from rest_framework.routers import SimpleRouter

from scheduling.api.views import ExceptionViewSet, ScheduleViewSet

router = SimpleRouter(trailing_slash=False)
# Exceptions first: "doctor/schedule/exceptions" must not be read as an action of the schedule viewset.
router.register("doctor/schedule/exceptions", ExceptionViewSet, basename="schedule-exception")
router.register("doctor/schedule", ScheduleViewSet, basename="schedule")

urlpatterns = router.urls
