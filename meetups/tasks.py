"""
Background tasks of the club, run by `manage.py db_worker`.

A leaf: the services and the delivery code import these task objects at their
top to enqueue them, so this module imports nothing of the club at its own
top; each task imports what it calls inside its body. A task only fetches its
row and hands it to the domain function.
"""

from django.tasks import task


@task
def send_confirmation(subscription_id: int) -> str:
    """Email the double opt-in link of a subscription request; "gone" if it was deleted."""
    from meetups.models import Subscription
    from meetups.services.subscriptions import subscription_send_confirmation

    subscription = Subscription.objects.select_related("series").filter(pk=subscription_id).first()
    if subscription is None:
        return "gone"
    subscription_send_confirmation(subscription=subscription)
    return "sent"


@task
def send_announcement(announcement_id: int, run_token: str) -> dict:
    """Send an announcement's pending deliveries; returns how many were sent, failed, deferred."""
    from meetups.mailing.delivery import run

    return run(announcement_id=announcement_id, run_token=run_token)
