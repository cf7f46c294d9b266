"""A patient's own account: sign up (a login and a patient record, linked), and verify the address by a
signed link (django.core.signing, with a max age) before a first booking is confirmed."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appointments import selectors
from appointments.models import Appointment, Status
from appointments.patient import access
from appointments.patient.forms import SignUpForm
from appointments.patient.views import PENDING, when_both
from medic.clinic.models import AppointmentType, Patient, User
from medic.typing import AuthenticatedRequest

SALT = "medic.patient.verify-email"


def _next(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure())
    return wanted if wanted and ok else default


def _pending_summary(request: HttpRequest) -> dict[str, Any] | None:
    """What the visitor is about to hold, to show while they sign in or up."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    t = (
        AppointmentType.objects.select_related("doctor__clinic")
        .filter(pk=pending["appointment_type"])
        .first()
    )
    if t is None:
        return None
    clinic = t.doctor.clinic
    zone = access.zone(request, clinic)
    return {
        "service": t.name,
        "doctor": t.doctor.display_name,
        "clinic": clinic.name,
        "when": when_both(
            datetime.fromisoformat(pending["starts_at"]), zone, zoneinfo.ZoneInfo(clinic.timezone)
        ),
        "minutes": int(getattr(settings, "MEDIC_HOLD_MINUTES", 10)),
        "back": pending.get("back", ""),
    }


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Create a patient's login and record; the chosen time (if any) is held right after."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(_next(request, reverse("me-appointments")))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        zone = data["timezone"] or access.zone_name(request, None)
        with transaction.atomic():
            user = User.objects.create_user(data["email"], data["password"], full_name=data["full_name"])
            Patient.objects.create(
                user=user,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                timezone=zone,
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        send_verification(request, user)
        messages.info(request, f"Welcome! We sent a link to {user.email}: open it to verify your address.")
        return HttpResponseRedirect(_next(request, reverse("me-appointments")))
    context = {
        "form": form,
        "next": _next(request, ""),
        "pending": _pending_summary(request),
        "nav": "signup",
    }
    return render(request, "registration/signup.html", context, status=422 if form.is_bound else 200)


def verification_link(request: HttpRequest, user: User) -> str:
    token = signing.dumps({"u": str(user.pk), "e": user.email.lower()}, salt=SALT)
    return request.build_absolute_uri(reverse("verify-email", args=[token]))


def send_verification(request: HttpRequest, user: User) -> None:
    body = render_to_string(
        "registration/verify_email.txt",
        {"user": user, "link": verification_link(request, user), "days": _max_age() // 86_400},
    )
    send_mail("Verify your email address for Medic", body, None, [user.email])


def _max_age() -> int:
    return int(getattr(settings, "MEDIC_VERIFY_EMAIL_MAX_AGE", 3 * 86_400))


@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the email: marks the address verified, then points back to the booking in progress."""
    try:
        data = signing.loads(token, salt=SALT, max_age=_max_age())
    except signing.SignatureExpired:
        return render(request, "registration/verify_done.html", {"problem": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "registration/verify_done.html", {"problem": "invalid"}, status=400)
    user = User.objects.filter(pk=data.get("u"), email__iexact=data.get("e", "")).first()
    if user is None:
        return render(request, "registration/verify_done.html", {"problem": "invalid"}, status=400)
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    held = None
    if request.user.is_authenticated and request.user.pk == user.pk:
        now = selectors.utcnow()
        held = (
            Appointment.objects.filter(patient__user=user, status=Status.HELD, hold_expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
    return render(request, "registration/verify_done.html", {"problem": "", "held": held, "verified": user})


@login_required
@require_POST
def resend(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.email_verified_at is None:
        send_verification(request, request.user)
        messages.info(request, f"We sent a new link to {request.user.email}. It may take a minute to arrive.")
    else:
        messages.info(request, "Your address is verified already.")
    return HttpResponseRedirect(_next(request, reverse("me-appointments")))
