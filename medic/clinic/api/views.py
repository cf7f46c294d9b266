"""Thin read-only views of the directory (HTTP ↔ `medic.clinic.directory`), open to anonymous callers
for public clinics."""

from __future__ import annotations

import uuid

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from medic.api import page_json, page_serializer, read_page
from medic.clinic import directory
from medic.clinic.api.serializers import (
    ClinicSerializer,
    DoctorSerializer,
    ServiceSerializer,
    clinic_json,
    doctor_json,
    service_json,
)
from medic.parsing import Reader
from medic.schema import PAGE_PARAMETERS, errors

NOT_VISIBLE = errors((404, "No such id, or one of a private clinic the caller may not see."))
BAD_FILTER = errors(
    (400, "INVALID_TYPE at `page` or `pageSize`: not a whole number."),
    (
        422,
        "OUT_OF_RANGE (page, pageSize), UNKNOWN_REFERENCE (a malformed id), TOO_LONG, at the "
        "parameter's name.",
    ),
)
FILTER_TEXT = {"type": "string", "maxLength": 200}
PRIVATE_NOTE = (
    " A private clinic (and its doctors and services) is listed only for its staff, its doctors and its "
    "patients; anyone, signed in or not, sees the public ones."
)


@extend_schema(
    operation_id="clinics_list",
    summary="List clinics",
    description="Clinics to book with, by name, with their locations and rooms." + PRIVATE_NOTE,
    parameters=PAGE_PARAMETERS,
    responses={200: page_serializer("ClinicPage", ClinicSerializer), **BAD_FILTER},
    tags=["directory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def clinic_list(request: Request) -> Response:
    r = Reader(request.query_params)
    page = read_page(r)
    r.done()
    return Response(page_json(request, directory.clinics(request.user), page, clinic_json))


@extend_schema(
    operation_id="clinics_retrieve",
    summary="One clinic",
    description="A clinic with its locations and rooms." + PRIVATE_NOTE,
    responses={200: ClinicSerializer, **NOT_VISIBLE},
    tags=["directory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def clinic_detail(request: Request, clinic_id: uuid.UUID) -> Response:
    clinic = directory.clinics(request.user).filter(pk=clinic_id).first()
    if clinic is None:
        raise Http404
    return Response(clinic_json(clinic))


@extend_schema(
    operation_id="doctors_list",
    summary="List doctors",
    description=(
        "Active doctors, by name, with their clinic, the locations they work at and the services they offer: "
        "every id a hold needs." + PRIVATE_NOTE
    ),
    parameters=[
        OpenApiParameter("clinicId", OpenApiTypes.UUID, description="Only this clinic's doctors."),
        OpenApiParameter(
            "locationId", OpenApiTypes.UUID, description="Only doctors working at this location."
        ),
        OpenApiParameter(
            "service",
            FILTER_TEXT,
            description="Only doctors offering a service of this name (case-insensitive).",
        ),
        OpenApiParameter("q", FILTER_TEXT, description="Any part of the doctor's name or specialty."),
        *PAGE_PARAMETERS,
    ],
    responses={200: page_serializer("DoctorPage", DoctorSerializer), **BAD_FILTER},
    tags=["directory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def doctor_list(request: Request) -> Response:
    r = Reader(request.query_params)
    clinic_id, location_id = r.uuid("clinicId"), r.uuid("locationId")
    service, q = r.text("service", 200), r.text("q", 200)
    page = read_page(r)
    r.done()
    rows = directory.doctors(request.user, clinic_id=clinic_id, location_id=location_id, service=service, q=q)
    return Response(page_json(request, rows, page, doctor_json))


@extend_schema(
    operation_id="doctors_retrieve",
    summary="One doctor",
    description="An active doctor with their clinic, locations and services." + PRIVATE_NOTE,
    responses={200: DoctorSerializer, **NOT_VISIBLE},
    tags=["directory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def doctor_detail(request: Request, doctor_id: uuid.UUID) -> Response:
    doctor = directory.doctor(request.user, doctor_id)
    if doctor is None:
        raise Http404
    return Response(doctor_json(doctor))


@extend_schema(
    operation_id="services_list",
    summary="List services",
    description=(
        "Bookable services of active doctors, with the booking rules a patient must know: the minimum "
        "notice, how far ahead one may book, and until when a patient may cancel or move." + PRIVATE_NOTE
    ),
    parameters=[
        OpenApiParameter("clinicId", OpenApiTypes.UUID, description="Only this clinic's services."),
        OpenApiParameter("doctorId", OpenApiTypes.UUID, description="Only this doctor's services."),
        OpenApiParameter("name", FILTER_TEXT, description="Only services of this name (case-insensitive)."),
        *PAGE_PARAMETERS,
    ],
    responses={200: page_serializer("ServicePage", ServiceSerializer), **BAD_FILTER},
    tags=["directory"],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def service_list(request: Request) -> Response:
    r = Reader(request.query_params)
    clinic_id, doctor_id = r.uuid("clinicId"), r.uuid("doctorId")
    name = r.text("name", 200)
    page = read_page(r)
    r.done()
    rows = directory.services(request.user, clinic_id=clinic_id, doctor_id=doctor_id, name=name)
    return Response(page_json(request, rows, page, service_json))
