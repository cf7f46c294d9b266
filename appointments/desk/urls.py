"""URLs of the front desk (/desk/)."""

from django.urls import path

from appointments.desk import closures, views

urlpatterns = [
    path("", views.day, name="desk-day"),
    path("week/", views.week, name="desk-week"),
    path("sheet/", views.sheet, name="desk-sheet"),
    path("book/", views.book, name="desk-book"),
    path("book/hold", views.hold, name="desk-hold"),
    path("book/walk-in", views.walk_in, name="desk-walk-in"),
    path("notices/", views.notices_page, name="desk-notices"),
    path("notices/seen", views.notices_seen, name="desk-notices-seen"),
    path("notices/badge", views.notices_badge, name="desk-notices-badge"),
    path("closures/", closures.closures_page, name="desk-closures"),
    path("closures/add", closures.closure_add, name="desk-closure-add"),
    path("closures/holiday", closures.holiday_switch, name="desk-holiday-switch"),
    path("closures/calendar", closures.calendar_set, name="desk-calendar-set"),
    path("closures/<uuid:closure_id>/remove", closures.closure_remove, name="desk-closure-remove"),
    path("patients/new", views.patient_new, name="desk-patient-new"),
    path("appointments/<uuid:appointment_id>/", views.appointment, name="desk-appointment"),
    path("appointments/<uuid:appointment_id>/cancel", views.cancel, name="desk-cancel"),
    path("appointments/<uuid:appointment_id>/reschedule", views.reschedule, name="desk-reschedule"),
    path("appointments/<uuid:appointment_id>/<str:action>", views.act, name="desk-act"),
]
