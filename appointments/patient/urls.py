"""URLs of the patient pages: /book/, /me/appointments and the patient's account under /accounts/."""

from django.urls import path

from appointments.patient import account, me, views

urlpatterns = [
    path("book/", views.book, name="book"),
    path("book/hold", views.hold, name="book-hold"),
    path("book/resume", views.resume, name="book-resume"),
    path("book/held/<uuid:appointment_id>", views.held, name="book-held"),
    path("book/held/<uuid:appointment_id>/confirm", views.confirm, name="book-confirm"),
    path("book/held/<uuid:appointment_id>/release", views.release, name="book-release"),
    path("me/appointments", me.appointments, name="me-appointments"),
    path("me/appointments/<uuid:appointment_id>/", me.appointment, name="me-appointment"),
    path("me/appointments/<uuid:appointment_id>/cancel", me.cancel, name="me-cancel"),
    path("me/appointments/<uuid:appointment_id>/reschedule", me.reschedule, name="me-reschedule"),
    path("accounts/signup/", account.signup, name="signup"),
    path("accounts/verify/resend", account.resend, name="verify-email-resend"),
    path("accounts/verify/<str:token>/", account.verify, name="verify-email"),
]
