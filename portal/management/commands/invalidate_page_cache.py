"""Make every cached page stale, after changes the page cache could not see."""

from django.core.management.base import BaseCommand

from portal import pagecache


class Command(BaseCommand):
    help = (
        "Make every page in the page cache stale on every app server: run it after changing "
        "content behind Django's back (raw SQL, QuerySet.update(), bulk_create) or deploying "
        "new templates."
    )

    def handle(self, *args, verbosity=1, **options):
        pagecache.content_changed()
        if verbosity > 0:
            self.stdout.write(self.style.SUCCESS("Every cached page is stale."))
