from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Kodkatalog"

    def ready(self):
        from django.core.signals import request_finished
        from django.db.models.signals import post_migrate

        # Receivers and system checks register when their modules are imported: cache invalidation,
        # wizard conditions that follow a renamed step or answer, and the start-up checks.
        from catalog import checks  # noqa: F401
        from catalog.caching import signals  # noqa: F401
        from catalog.editorial import renames  # noqa: F401
        from catalog.usage import counter

        post_migrate.connect(_ensure_coordinator_group, sender=self)
        # Counts made while serving a request are written after its response has gone (catalog.usage).
        request_finished.connect(counter.flush_when_due, dispatch_uid="catalog.usage.flush_when_due")


def _ensure_coordinator_group(**kwargs):
    from catalog.editorial.accounts import coordinator_group, trainer_group

    coordinator_group()
    trainer_group()
