"""Write the database and the uploaded media to one .tar.gz archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create, default_backup_name


class Command(BaseCommand):
    help = (
        "Write the whole site (the database and every uploaded file in MEDIA_ROOT) to one "
        ".tar.gz archive, while the site keeps running. `manage.py restore ARCHIVE` brings it back."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help=(
                "The archive to write, or a folder to write portal-<date>-<time>.tar.gz into "
                "(default: BACKUP_DIR, var/backups/)."
            ),
        )

    def handle(self, *args, path=None, verbosity=1, **options):
        target = Path(path) if path else Path(settings.BACKUP_DIR)
        if path is None:
            target.mkdir(parents=True, exist_ok=True)
        if target.is_dir():
            target = target / default_backup_name()

        def progress(line: str) -> None:
            if verbosity > 0:
                self.stdout.write(line)

        try:
            summary = backup_create(path=target, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backed up {summary.rows} rows in {summary.tables} tables and "
                    f"{summary.media_files} media files to {summary.path}."
                )
            )
