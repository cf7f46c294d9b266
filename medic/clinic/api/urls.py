"""Routes of the directory API (no trailing slashes, as the contract writes them)."""

from django.urls import path

from medic.clinic.api.views import clinic_detail, clinic_list, doctor_detail, doctor_list, service_list

urlpatterns = [
    path("clinics", clinic_list, name="clinic-list"),
    path("clinics/<uuid:clinic_id>", clinic_detail, name="clinic-detail"),
    path("doctors", doctor_list, name="doctor-list"),
    path("doctors/<uuid:doctor_id>", doctor_detail, name="doctor-detail"),
    path("services", service_list, name="service-list"),
]
