"""The project app: the database roles' wiring (migrate and flush as the owner, grants after migrate)."""

from __future__ import annotations

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class MedicConfig(AppConfig):
    name = "medic"
    label = "medic"
    verbose_name = "Medic"

    def ready(self) -> None:
        from medic.dbops import grant_app_role_after_migrate

        # post_migrate is sent once per app with models; answer it once, for the last of them.
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(grant_app_role_after_migrate, sender=last, dispatch_uid="medic_app_role_grants")
