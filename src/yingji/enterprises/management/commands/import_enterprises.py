"""`yingji import-enterprises FILE --as USERNAME`: load an enterprise register
(企业台账, .xlsx or .csv) with that person's rights, and print the row-by-row report."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ....core.commandline import active_user, read_bytes
from ....core.errors import DomainError
from ...tabular import import_enterprises


class Command(BaseCommand):
    help = ("Upsert enterprises by USCC from an .xlsx or .csv register, as the given user "
            "(whose jurisdiction limits what may be imported). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", required=True,
                            help="the user on whose behalf (and in whose jurisdiction) rows are written")

    def handle(self, *args, file: Path, username: str, **options):
        user = active_user(username)
        content = read_bytes(file)
        try:
            report = import_enterprises(by=user, content=content, filename=file.name)
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"注意 / warning: {warning}"))
        for error in report.errors:
            self.stdout.write(str(error))
        self.stdout.write(report.summary())
        if report.interrupted:  # a non-zero exit: the rows after were not imported
            raise CommandError(report.interrupted)
