"""URL map: server pages, the admin, the JSON API and its schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from medic import api, views
from medic.api import json_not_found
from scheduling.views import schedule_page

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The JSON API first: no page pattern matches under /api/, and the busiest routes (holds, confirms) are
    # then found after a few patterns instead of a hundred.
    path("api/", include("appointments.api.urls")),
    path("api/me", views.me, name="api-me"),
    path("api/", include("scheduling.api.urls")),
    path("api/", include("medic.clinic.api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("", include("appointments.patient.urls")),
    path("admin/", admin.site.urls),
    path("doctor/schedule", schedule_page, name="doctor-schedule"),
    path("desk/", include("appointments.desk.urls")),
    path("ical/", include("appointments.feeds.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file (/api/docs/?script): no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ is a JSON 404 in the contract's shape, not an HTML page.
    path("api/<path:rest>", json_not_found),
]

# Errors Django answers itself (a crash, a bad host, a 404 raised outside DRF): JSON under /api/, else HTML.
handler400 = api.bad_request
handler403 = api.permission_denied
handler404 = api.page_not_found
handler500 = api.server_error
