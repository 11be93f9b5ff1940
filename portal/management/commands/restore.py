"""Bring back a site from an archive written by `manage.py backup`."""

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore the database and MEDIA_ROOT from an archive made by `manage.py backup`. "
        "The database must be empty (new, or just migrated) unless --force is given; "
        "an unreadable or damaged archive changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz file written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database and MEDIA_ROOT already hold.",
        )

    def handle(self, *args, archive, force=False, verbosity=1, **options):
        def progress(line: str) -> None:
            if verbosity > 0:
                self.stdout.write(line)

        try:
            summary = backup_restore(path=archive, force=force, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if verbosity > 0:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored {summary.rows} rows in {summary.tables} tables and "
                    f"{summary.media_files} media files from {archive}."
                )
            )
            if summary.migrations_missing:
                self.stdout.write(
                    f"The archive predates {summary.migrations_missing} migrations of this "
                    "code: run `manage.py migrate` now."
                )
