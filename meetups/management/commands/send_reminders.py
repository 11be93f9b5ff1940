from django.core.management.base import BaseCommand

from meetups.services import reminders_send_due


class Command(BaseCommand):
    help = (
        "Queue the reminder emails that are due (series with “remind N hours before”). "
        "Safe to run every minute from cron: each session is reminded of once."
    )

    def handle(self, *args, **options):
        reminders = reminders_send_due()
        for announcement in reminders:
            count = announcement.deliveries.count()
            self.stdout.write(
                f"Reminder queued: {announcement.subject} ({count} subscriber"
                f"{'s' if count != 1 else ''})"
            )
        if not reminders and options["verbosity"] > 1:
            self.stdout.write("No reminder is due.")
