"""Routes of the calendar subscriptions (mounted at /ical/)."""

from django.urls import path

from appointments.feeds import views

urlpatterns = [
    path("doctors/<str:secret>.ics", views.doctor_calendar, name="ical-doctor"),
    path("doctors/<str:secret>/freebusy.ics", views.doctor_freebusy, name="ical-doctor-freebusy"),
]
