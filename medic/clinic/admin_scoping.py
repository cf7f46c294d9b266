"""Admin plumbing shared by every app: clinic staff see and edit only their own clinic's rows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db import models
from django.http import HttpRequest

from medic.clinic.models import Clinic, Doctor, Location, Room, StaffMembership
from medic.clinic.permissions import staff_clinic_ids

ADMIN = StaffMembership.Role.ADMIN
RECEPTIONIST = StaffMembership.Role.RECEPTIONIST

# For each related model an admin form may offer, how to reach its clinic.
_CLINIC_PATHS: dict[type[models.Model], str] = {
    Clinic: "pk",
    Location: "clinic",
    Room: "location__clinic",
    Doctor: "clinic",
}


def register_clinic_path(model: type[models.Model], path: str) -> None:
    """Let other apps' models be scoped in foreign-key choices (e.g. AppointmentType → doctor__clinic)."""
    _CLINIC_PATHS[model] = path


class ClinicScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose rows belong to a clinic reached through `clinic_path`.

    Superusers see everything. Staff (is_staff with a StaffMembership) see their clinics' rows; what they
    may change depends on their role: `edit_roles` may add/change/delete, everyone with a membership views.
    Foreign-key and many-to-many choices are narrowed to the same clinics, so a staff member can neither
    see nor link another clinic's objects.
    """

    clinic_path: str = "clinic"
    edit_roles: tuple[str, ...] = (ADMIN,)

    def _clinic_ids(self, request: HttpRequest, roles: tuple[str, ...] | None = None) -> set[Any]:
        return staff_clinic_ids(request.user, roles=roles)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.clinic_path}__in": self._clinic_ids(request)}).distinct()

    def _obj_in_clinics(self, obj: models.Model, clinic_ids: set[Any]) -> bool:
        value: Any = obj
        for part in self.clinic_path.split("__"):
            value = getattr(value, part if part != "pk" else "pk", None)
            if value is None:
                return False
        clinic_id = value.pk if isinstance(value, models.Model) else value
        return clinic_id in clinic_ids

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        """Relation filters offer only values that occur in the (scoped) rows, never another clinic's."""
        filters = []
        for spec in super().get_list_filter(request):
            if isinstance(spec, str) and get_fields_from_path(self.model, spec)[-1].is_relation:
                spec = (spec, admin.RelatedOnlyFieldListFilter)
            filters.append(spec)
        return filters

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or bool(request.user.is_staff and self._clinic_ids(request))

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if request.user.is_superuser:
            return True
        ids = self._clinic_ids(request)
        if not request.user.is_staff or not ids:
            return False
        return obj is None or self._obj_in_clinics(obj, ids)

    def _may_edit(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if request.user.is_superuser:
            return True
        ids = self._clinic_ids(request, roles=self.edit_roles)
        if not request.user.is_staff or not ids:
            return False
        return obj is None or self._obj_in_clinics(obj, ids)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may_edit(request, None)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._may_edit(request, obj)

    def _scope_choices(
        self, request: HttpRequest, model: type[models.Model], qs: models.QuerySet
    ) -> models.QuerySet:
        if request.user.is_superuser or model not in _CLINIC_PATHS:
            return qs
        return qs.filter(**{f"{_CLINIC_PATHS[model]}__in": self._clinic_ids(request, roles=self.edit_roles)})

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and (choices := getattr(field, "queryset", None)) is not None:
            field.queryset = self._scope_choices(request, db_field.related_model, choices)
        return field

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and (choices := getattr(field, "queryset", None)) is not None:
            field.queryset = self._scope_choices(request, db_field.related_model, choices)
        return field


class ClinicScopedInline(admin.TabularInline):
    """An inline that may do what its parent admin lets the user do with the parent row.

    Staff have memberships, not Django model permissions, so the default inline checks would hide it.
    """

    def _parent_admin(self) -> admin.ModelAdmin:
        return self.admin_site.get_model_admin(self.parent_model)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        parent = self._parent_admin()
        if obj is None:  # the add page
            return parent.has_add_permission(request)
        return parent.has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request, obj)
