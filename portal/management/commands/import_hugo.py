"""`manage.py import_hugo SITE_DIR`: move a Hugo site's pages into the portal."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.hugo.report import ProgressBar, summary_lines
from portal.hugo.services import HugoImportError, hugo_site_config, hugo_site_import


class Command(BaseCommand):
    help = (
        "Import a Hugo site (its config, content/ and static/) as posts, talks and "
        "paper-club sessions; every old address redirects to its new page. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("site_dir", metavar="SITE_DIR", help="The Hugo site's folder.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--author",
            metavar="USERNAME",
            help="Who the posts belong to (default: the first superuser).",
        )
        parser.add_argument(
            "--series",
            metavar="SLUG_OR_NAME",
            default="",
            help="The club series paper-club posts belong to; created if it does not exist "
            "(default: the only series, or a new one named after the club in the posts).",
        )

    def handle(self, *args, site_dir, dry_run, author, series, **options):
        try:
            # The site is checked before anything else: a typo in its path is the likeliest mistake.
            hugo_site_config(site_dir=Path(site_dir))
        except HugoImportError as error:
            raise CommandError(str(error)) from None
        user = self.author(author)
        progress = ProgressBar(self.stdout, is_terminal=self.stdout.isatty())
        self.stdout.write(
            f"{'Dry run: reading' if dry_run else 'Importing'} {site_dir} as {user.get_username()}…"
        )
        try:
            report = hugo_site_import(
                site_dir=Path(site_dir),
                author=user,
                series=series,
                dry_run=dry_run,
                progress=progress,
            )
        except HugoImportError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.finish()
        # A dry run is for checking: it names every page and where it would go.
        each_page = dry_run or options["verbosity"] >= 2
        for line in summary_lines(report, each_page=each_page):
            self.stdout.write(line)

    def author(self, username: str | None):
        User = get_user_model()
        if username:
            user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
            if user is None:
                raise CommandError(
                    f"There is no user “{username}”: give an existing username to --author."
                )
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                "There is no superuser to own the posts: create one (manage.py createsuperuser) "
                "or name a user with --author."
            )
        return user
