from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Kodkatalog"

    def ready(self):
        from django.db.models.signals import post_migrate

        # Receivers and system checks register when their modules are imported: cache invalidation,
        # wizard conditions that follow a renamed step or answer, and the start-up checks.
        from catalog import checks  # noqa: F401
        from catalog.caching import signals  # noqa: F401
        from catalog.editorial import renames  # noqa: F401

        post_migrate.connect(_ensure_coordinator_group, sender=self)


def _ensure_coordinator_group(**kwargs):
    from catalog.editorial.accounts import coordinator_group, trainer_group

    coordinator_group()
    trainer_group()
