"""The front desk finds a patient by any part of a name, phone or email, or by date of birth."""

from __future__ import annotations

from datetime import date

from appointments.selectors import search_patients
from medic.clinic.tests.factories import ClinicFactory, PatientFactory


def test_a_patient_is_found_by_part_of_the_phone_number_whatever_its_spacing(demo) -> None:
    maria = PatientFactory.create(
        clinic=demo.clinic, full_name="Maria Papadopoulou", phone="+30 210 555-0101"
    )
    assert search_patients([demo.clinic.pk], "5550101") == [maria]
    assert search_patients([demo.clinic.pk], "555 01") == [maria]


def test_a_patient_is_found_by_part_of_the_name_or_email_or_birth_date(demo) -> None:
    nikos = PatientFactory.create(
        clinic=demo.clinic,
        full_name="Nikos Georgiou",
        email="nikos@example.org",
        date_of_birth=date(1980, 5, 17),
    )
    assert nikos in search_patients([demo.clinic.pk], "georg")
    assert nikos in search_patients([demo.clinic.pk], "NIKOS@example")
    assert search_patients([demo.clinic.pk], "17/05/1980") == [nikos]


def test_another_clinics_patients_are_not_found(demo) -> None:
    PatientFactory.create(clinic=ClinicFactory.create(), full_name="Eleni Outsider")
    assert search_patients([demo.clinic.pk], "Eleni Outsider") == []


def test_an_empty_search_finds_nobody(demo) -> None:
    assert search_patients([demo.clinic.pk], "  ") == []
