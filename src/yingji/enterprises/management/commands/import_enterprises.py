"""`yingji import-enterprises FILE --as USERNAME`: load an enterprise register
(企业台账, .xlsx or .csv) with that person's rights, and print the row-by-row report."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

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
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用 / No active user named {username!r}")
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 / Cannot read {file}: {exc.strerror}") from exc
        try:
            report = import_enterprises(by=user, content=content, filename=file.name)
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"注意 / warning: {warning}"))
        for error in report.errors:
            self.stdout.write(str(error))
        self.stdout.write(report.summary())
