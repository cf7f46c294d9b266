"""Every API error has the contract's shape; paths are dotted as React Hook Form names fields."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from medic.api import exception_handler, flatten_drf_errors
from medic.errors import Conflict, FieldError, ValidationFailed


class _Break(serializers.Serializer):
    break_start_local = serializers.TimeField()


class _Window(serializers.Serializer):
    work_end_local = serializers.TimeField()
    breaks = _Break(many=True)


class _Day(serializers.Serializer):
    windows = _Window(many=True)


class _Form(serializers.Serializer):
    days = _Day(many=True)


def _errors_of(payload: dict) -> ValidationError:
    form = _Form(data=payload)
    assert not form.is_valid()
    return ValidationError(form.errors)


class _EchoView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request: Request) -> Response:
        return Response({"ok": True, "keys": sorted(request.data)})


def test_unreadable_json_is_400_parse_error() -> None:
    request = APIRequestFactory().post("/echo", "{not json", content_type="application/json")
    response = _EchoView.as_view()(request)
    assert response.status_code == 400
    assert response.data["ok"] is False
    assert response.data["errors"][0]["path"] == ""
    assert response.data["errors"][0]["code"] == "PARSE_ERROR"


def test_nested_list_errors_get_dotted_paths() -> None:
    exc = _errors_of(
        {
            "days": [
                {
                    "windows": [
                        {"work_end_local": "09:00", "breaks": []},
                        {"work_end_local": "x", "breaks": [{"break_start_local": "25:99"}]},
                    ]
                }
            ]
        }
    )
    paths = [path for path, _ in flatten_drf_errors(exc.detail)]
    assert paths == ["days.0.windows.1.workEndLocal", "days.0.windows.1.breaks.0.breakStartLocal"]


def _handled(exc: Exception, context: dict) -> Response:
    response = exception_handler(exc, context)
    assert response is not None
    return response


def test_wrong_types_are_400_with_paths() -> None:
    response = _handled(_errors_of({"days": [{"windows": "nope"}]}), {})
    assert response.status_code == 400
    assert response.data == {
        "ok": False,
        "errors": [
            {
                "path": "days.0.windows",
                "code": "INVALID_TYPE",
                "message": response.data["errors"][0]["message"],
            }
        ],
    }


def test_missing_field_is_reported_as_required() -> None:
    response = _handled(_errors_of({}), {})
    assert response.data["errors"][0]["path"] == "days"
    assert response.data["errors"][0]["code"] == "REQUIRED"


def test_business_rule_failure_is_422_with_every_error() -> None:
    exc = ValidationFailed(
        [
            FieldError("days.0.windows.0.workEndLocal", "END_BEFORE_START", "End after start."),
            FieldError("", "NO_WINDOWS", "x"),
        ]
    )
    response = _handled(exc, {})
    assert response.status_code == 422
    assert [e["code"] for e in response.data["errors"]] == ["END_BEFORE_START", "NO_WINDOWS"]


def test_conflict_is_409() -> None:
    response = _handled(Conflict([FieldError("expectedVersion", "SCHEDULE_CHANGED", "Reload.")]), {})
    assert response.status_code == 409


def test_unknown_api_path_is_a_json_404(api: APIClient, db: None) -> None:
    response = api.get("/api/no/such/thing")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "NOT_FOUND"


def test_unexpected_exceptions_are_not_swallowed() -> None:
    assert exception_handler(RuntimeError("bug"), {}) is None
