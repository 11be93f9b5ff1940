"""The migration that gives deliveries their own address keeps every delivery sent before it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetups", "0007_attendance")]
AFTER = [("meetups", "0008_delivery_recipients")]


@pytest.mark.django_db(transaction=True)
def test_existing_deliveries_keep_their_subscriber_and_get_the_address():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    series = old.get_model("meetups", "Series").objects.create(
        name="Paper Club", slug="paper-club", time_zone="Europe/Berlin"
    )
    start = datetime(2026, 3, 3, 18, tzinfo=UTC)
    session = old.get_model("meetups", "Session").objects.create(
        series=series, number=1, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    announcement = old.get_model("meetups", "Announcement").objects.create(
        session=session, subject="1st Paper Club", body_text="t", body_html="h"
    )
    Subscription = old.get_model("meetups", "Subscription")
    for address in ["ada@example.org", "grace@example.org"]:
        subscription = Subscription.objects.create(series=series, email=address, status="confirmed")
        old.get_model("meetups", "Delivery").objects.create(
            announcement=announcement, subscription=subscription, status="sent"
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("meetups", "Delivery").objects.order_by("pk")
    assert [(row.email, row.subscription.email, row.status) for row in rows] == [
        ("ada@example.org", "ada@example.org", "sent"),
        ("grace@example.org", "grace@example.org", "sent"),
    ]
    call_command("migrate", verbosity=0)
