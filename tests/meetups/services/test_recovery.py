"""
The worker's chore: task rows left RUNNING by a worker that died are closed,
and what they were doing is done again (the lease still decides who sends).
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetups import services
from meetups.enums import DeliveryStatus, SubscriptionStatus
from meetups.models import Announcement
from meetups.tasks import send_announcement, send_confirmation


@pytest.fixture
def lease(settings):
    settings.ANNOUNCEMENT_LEASE_SECONDS = 120
    return timedelta(seconds=120)


@pytest.fixture
def announcement(session, make_subscription):
    for n in range(3):
        make_subscription(f"reader{n}@example.org")
    return services.announcement_create(session=session)  # queued in the database


@pytest.fixture
def session(make_session):
    return make_session(number=20, title="DHT security", days=5)


def _claimed_by_a_worker(row, *, started_ago: timedelta) -> DBTaskResult:
    """What a worker does when it takes a task, `started_ago` back in time."""
    DBTaskResult.objects.filter(pk=row.pk).update(
        status="RUNNING", started_at=timezone.now() - started_ago, worker_ids=["gone"]
    )
    return DBTaskResult.objects.get(pk=row.pk)


def _runs(announcement, status):
    return [
        row
        for row in DBTaskResult.objects.filter(
            task_path="meetups.tasks.send_announcement", status=status
        )
        if row.args_kwargs["args"][0] == announcement.pk
    ]


def test_a_run_whose_worker_died_before_it_took_the_lease_is_replaced(
    lease, announcement, smtp_server
):
    (first,) = _runs(announcement, "READY")
    _claimed_by_a_worker(first, started_ago=lease * 2)  # ...and the worker died at once

    assert services.announcement_runs_recover() == [announcement]

    first.refresh_from_db()
    assert first.status == "FAILED"
    assert first.exception_class_path == "portal.worker.WorkerLost"
    assert first.task_result.errors[0].traceback.startswith("WorkerLost: its worker stopped")
    announcement.refresh_from_db()
    (replacement,) = _runs(announcement, "READY")
    assert replacement.args_kwargs["args"] == [announcement.pk, str(announcement.run_token)]
    # The replacement sends to everyone.
    report = send_announcement.call(*replacement.args_kwargs["args"])
    assert report["sent"] == 3 and len(smtp_server.handler.messages) == 3
    # Nothing is left to recover.
    assert services.announcement_runs_recover() == []
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()


def test_a_run_that_holds_the_lease_or_just_started_is_left_alone(lease, announcement):
    (first,) = _runs(announcement, "READY")
    token = first.args_kwargs["args"][1]
    # Working for a long time, renewing its lease as it goes.
    _claimed_by_a_worker(first, started_ago=lease * 10)
    Announcement.objects.filter(pk=announcement.pk).update(
        lease_owner=token, lease_expires_at=timezone.now() + lease / 2
    )
    assert services.announcement_runs_recover() == []
    first.refresh_from_db()
    assert first.status == "RUNNING"

    # Taken a moment ago, not holding the lease yet.
    Announcement.objects.filter(pk=announcement.pk).update(lease_owner="", lease_expires_at=None)
    _claimed_by_a_worker(first, started_ago=timedelta(seconds=5))
    assert services.announcement_runs_recover() == []
    first.refresh_from_db()
    assert first.status == "RUNNING"
    assert not _runs(announcement, "READY")


def test_an_announcement_with_a_run_waiting_is_left_alone(lease, announcement):
    assert services.announcement_runs_recover() == []
    assert len(_runs(announcement, "READY")) == 1
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_a_confirmation_whose_worker_died_is_queued_again(lease, series, make_subscription):
    subscription = make_subscription("ada@example.org", status=SubscriptionStatus.PENDING)
    row = DBTaskResult.objects.get(pk=send_confirmation.enqueue(subscription.pk).id)
    _claimed_by_a_worker(row, started_ago=lease * 2)
    fresh = send_confirmation.enqueue(subscription.pk)
    _claimed_by_a_worker(DBTaskResult.objects.get(pk=fresh.id), started_ago=timedelta(seconds=5))

    assert services.subscription_tasks_recover() == 1

    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == "portal.worker.WorkerLost"
    assert DBTaskResult.objects.get(pk=fresh.id).status == "RUNNING"  # still within its time
    (again,) = DBTaskResult.objects.filter(status="READY", task_path=row.task_path)
    assert again.args_kwargs == row.args_kwargs
