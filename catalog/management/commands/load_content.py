from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.content import CONTENT_DIR
from catalog.loading.load import load
from catalog.loading.read import ContentError, read_content


class Command(BaseCommand):
    help = "Validate the content files and load them, never overwriting a text edited in the site."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=CONTENT_DIR, help="folder with the .toml content files")
        parser.add_argument("--check", action="store_true", help="only validate the files; write nothing")

    def handle(self, *args, dir: Path, check: bool, **options):
        try:
            content = read_content(dir)
        except ContentError as error:
            raise CommandError(
                f"{len(error.errors)} problem(s) in the content files:\n" + "\n".join(error.errors)
            ) from None
        if check:
            self.stdout.write(f"load_content: {len(content.documents)} files and {len(content.codes)} codes are valid")
            return
        report = load(content)
        for line in report.kept_edits:
            self.stdout.write(f"kept (edited in the site): {line}")
        for line in report.kept_for_drafts:
            self.stdout.write(f"kept (a draft waits for review): {line}")
        self.stdout.write(report.summary())
