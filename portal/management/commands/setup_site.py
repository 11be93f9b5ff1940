"""
First-run set-up for `make run`: an organizer account and demo content.
Safe to run every time: it never touches existing accounts or content.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo

ORGANIZER_USERNAME = "organizer"


class Command(BaseCommand):
    help = "Create the organizer account and load demo content on a fresh database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load demo content, even when empty."
        )

    def handle(self, *args, no_demo, **options):
        organizer = self.ensure_organizer()
        if not no_demo:
            self.load_demo(author=organizer)

    def ensure_organizer(self):
        User = get_user_model()
        login_file = Path(settings.VAR_DIR) / "organizer-login.txt"
        organizer = User.objects.filter(username=ORGANIZER_USERNAME).first()
        if organizer is None:
            password = secrets.token_urlsafe(12)
            organizer = User.objects.create_superuser(
                username=ORGANIZER_USERNAME,
                email=f"{ORGANIZER_USERNAME}@example.org",
                password=password,
                first_name="Ada",
                last_name="Example",
            )
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(password + "\n")
            login_file.chmod(0o600)
            self.stdout.write(self.style.SUCCESS("Created the organizer account."))
        password = login_file.read_text().strip() if login_file.exists() else ""
        if password and organizer.check_password(password):
            self.stdout.write(
                f"Organizer login: {ORGANIZER_USERNAME} / {password}  "
                f"(admin at {settings.SITE_URL}/admin/)"
            )
        else:
            self.stdout.write(
                f"Organizer login: {ORGANIZER_USERNAME} (password changed since the first "
                f"run; reset it with `manage.py changepassword {ORGANIZER_USERNAME}`)"
            )
        return organizer

    def load_demo(self, *, author):
        """Every app's registered demo content, unless some app already holds content."""
        demos = demo.demos()
        if any(app_demo.has_content() for app_demo in demos):
            return
        with transaction.atomic():
            for app_demo in demos:
                summary = app_demo.load(author=author)
                self.stdout.write(f"Demo content: {summary}")
