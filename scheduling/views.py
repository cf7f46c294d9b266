"""Server-rendered pages of scheduling: the doctor's schedule page (an Inertia React page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import reverse
from inertia import render

from medic.clinic.models import Doctor
from medic.clinic.permissions import doctors_actable_by, own_doctor, resolve_doctor
from medic.typing import AuthenticatedRequest


@login_required
def schedule_page(request: AuthenticatedRequest) -> HttpResponse:
    """The schedule page for the caller's own doctor, or (staff) `?doctorId=` / the first of their clinic."""
    doctor_id = request.GET.get("doctorId")
    doctors = list(doctors_actable_by(request.user).order_by("display_name"))
    doctor: Doctor | None
    if doctor_id:
        doctor = resolve_doctor(request.user, doctor_id)
    else:
        doctor = own_doctor(request.user) or (doctors[0] if doctors else None)
    if doctor is None:
        raise Http404("There is no doctor whose schedule you may manage.")
    return render(
        request,
        "Schedule",
        props={
            "doctorId": str(doctor.pk),
            "timezoneDefault": doctor.effective_timezone,
            "doctors": [{"id": str(d.pk), "name": d.display_name} for d in doctors],
            "user": {"email": request.user.email, "name": request.user.get_full_name()},
            "logoutUrl": reverse("logout"),
            "adminUrl": reverse("admin:index") if request.user.is_staff else None,
        },
        template_data={"doctor_name": doctor.display_name},
    )
