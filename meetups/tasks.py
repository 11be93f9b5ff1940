"""Background tasks of the club, run by `manage.py db_worker`."""

from django.tasks import task

from meetups import services
from meetups.mailing import delivery
from meetups.models import Subscription


@task
def send_confirmation(subscription_id: int) -> str:
    """Email the double opt-in link of a subscription request."""
    subscription = Subscription.objects.select_related("series").filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    services.subscription_send_confirmation(subscription=subscription)
    return "sent"


@task
def send_announcement(announcement_id: int, run_token: str) -> dict:
    """Send an announcement's pending deliveries (see meetups.mailing.delivery)."""
    return delivery.run(announcement_id=announcement_id, run_token=run_token)
