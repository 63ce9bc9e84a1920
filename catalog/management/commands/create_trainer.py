from catalog.editorial.accounts import TRAINERS, trainer_group
from catalog.management.commands.create_coordinator import Command as CoordinatorCommand


class Command(CoordinatorCommand):
    help = f"Create (or update) a trainer: a staff account in the group {TRAINERS}, which may edit practice cases only."
    done = "är utbildare och kan redigera övningar på /admin/"

    def group(self):
        return trainer_group()
