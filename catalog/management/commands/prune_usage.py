from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.usage import counter


class Command(BaseCommand):
    help = (
        "Radera räknad användning (”Vad letar klinikerna efter?”) äldre än de senaste USAGE_WEEKS veckorna "
        "(26 om inget annat anges). Kör den från cron, t.ex. en gång i veckan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--weeks", type=int, help="Behåll så många veckor (i stället för USAGE_WEEKS).")

    def handle(self, *args, weeks=None, **options):
        weeks = settings.USAGE_WEEKS if weeks is None else weeks
        if weeks < 1:
            raise CommandError("--weeks måste vara minst 1.")
        deleted = counter.prune(weeks)
        self.stdout.write(f"prune_usage: {deleted} rader äldre än {weeks} veckor raderade")
