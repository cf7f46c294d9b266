"""URLs of the front desk (/desk/)."""

from django.urls import path

from appointments.desk import views

urlpatterns = [
    path("", views.day, name="desk-day"),
    path("week/", views.week, name="desk-week"),
    path("sheet/", views.sheet, name="desk-sheet"),
    path("book/", views.book, name="desk-book"),
    path("book/hold", views.hold, name="desk-hold"),
    path("book/walk-in", views.walk_in, name="desk-walk-in"),
    path("patients/new", views.patient_new, name="desk-patient-new"),
    path("appointments/<uuid:appointment_id>/", views.appointment, name="desk-appointment"),
    path("appointments/<uuid:appointment_id>/cancel", views.cancel, name="desk-cancel"),
    path("appointments/<uuid:appointment_id>/reschedule", views.reschedule, name="desk-reschedule"),
    path("appointments/<uuid:appointment_id>/<str:action>", views.act, name="desk-act"),
]
