from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate

from core import generation


def _watch_tables(sender, using="default", **kwargs):
    """After every migrate (once: post_migrate is sent per app with models, the last one runs it), the data
    generation's trigger on every table (core.generation)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is with_models[-1]:
        generation.install(connections[using])


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Fælles"

    def ready(self):
        post_migrate.connect(_watch_tables, dispatch_uid="core.generation.install")
