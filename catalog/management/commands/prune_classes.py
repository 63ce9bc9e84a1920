from django.core.management.base import BaseCommand

from catalog.training import classroom


class Command(BaseCommand):
    help = (
        "Radera klasser (/klassrum/) och deras svar när de varit avslutade längre än CLASSROOM_RETENTION_HOURS. "
        "Körs också av sig själv när en klass startas eller avslutas; kör den från cron (t.ex. varje timme) "
        "så att det sker även när ingen klass startas."
    )

    def handle(self, *args, **options):
        deleted = classroom.prune()
        self.stdout.write(f"prune_classes: {deleted} avslutade klasser raderade")
