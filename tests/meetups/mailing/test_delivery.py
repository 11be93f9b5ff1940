"""
Announcements through a real SMTP server on loopback (aiosmtpd): what arrives,
and what happens when the server refuses, stalls or hangs up.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from meetups.enums import AnnouncementStatus, DeliveryStatus, SubscriptionStatus
from meetups.mailing.delivery import LONGEST_RETRY_DELAY, retry_delay
from meetups.models import Announcement, Delivery, Subscription
from meetups.services import announcement_create, announcement_resume, subscription_unsubscribe
from meetups.tasks import send_announcement


@pytest.fixture
def session(make_session, make_paper):
    from meetups.models import ReadingListEntry

    starts_at = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    session = make_session(
        number=20,
        title="DHT security",
        starts_at=starts_at,
        description="Why **Sybil** attacks matter.",
        online_url="https://meet.example.org/dht",
    )
    sybil = make_paper(title="The Sybil Attack", doi="10.1007/3-540-45748-8_24")
    kademlia = make_paper(title="Kademlia", arxiv_id="0000.00001")
    ReadingListEntry.objects.create(session=session, paper=sybil, position=1, presenter="Ada")
    ReadingListEntry.objects.create(session=session, paper=kademlia, position=2)
    return session


def _subscribers(make_subscription, count, *, prefix="reader"):
    return [make_subscription(f"{prefix}{n}@example.org").email for n in range(count)]


def test_every_confirmed_subscriber_gets_text_html_and_the_calendar(
    immediate_tasks, smtp_server, session, make_subscription, organizer
):
    make_subscription("ada@example.org")
    make_subscription("grace@example.org")
    make_subscription("pending@example.org", status=SubscriptionStatus.PENDING)
    make_subscription("left@example.org", status=SubscriptionStatus.UNSUBSCRIBED)

    announcement = announcement_create(session=session, created_by=organizer)

    sink = smtp_server.handler
    assert sorted(sink.recipients()) == ["ada@example.org", "grace@example.org"]
    assert sink.connections == 1  # one connection for the whole list
    message = next(m for m in sink.messages if m["To"] == "ada@example.org")
    assert (
        message["Subject"]
        == f"20th Distributed Systems Paper Club: DHT security — {session.date_text}"
    )
    assert message["From"] == "club@127.0.0.1"
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://127.0.0.1:8000/club/subscriptions/unsubscribe/")
    assert unsubscribe.endswith("/>") and "\n" not in unsubscribe and "=?" not in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        message["List-Id"]
        == '"Distributed Systems Paper Club" <distributed-systems.club.127.0.0.1>'
    )

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert session.when_text in part  # local time with its zone label
        assert "CET (Europe/Berlin)" in part or "CEST (Europe/Berlin)" in part
        assert "Room 3.14" in part and "https://meet.example.org/dht" in part
        assert "The Sybil Attack" in part and "https://doi.org/10.1007/3-540-45748-8_24" in part
        assert "https://arxiv.org/abs/0000.00001" in part
        assert "Sybil" in part
        assert "http://127.0.0.1:8000/club/subscriptions/manage/" in part
        assert "%%" not in part
    assert "<strong>Sybil</strong>" in html and "Presented by Ada" in html

    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == "text/calendar"
    # An invitation that calendars keep updating, naming this subscriber.
    assert attachment.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "distributed-systems-20.ics"
    calendar = Calendar.from_ical(attachment.get_content())
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:club@127.0.0.1"
    assert str(event["ATTENDEE"]) == "mailto:ada@example.org"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert str(event["UID"]) == str(session.uid)
    assert int(event["SEQUENCE"]) == session.sequence
    assert event.decoded("DTSTART") == session.local_start
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"

    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.FINISHED and announcement.finished_at
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}

    # The header's link unsubscribes with a bare POST, as a mail client sends it.
    path = unsubscribe.strip("<>").removeprefix("http://127.0.0.1:8000")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert (
        Subscription.objects.get(email="ada@example.org").status == SubscriptionStatus.UNSUBSCRIBED
    )


def test_refusals_and_a_dropped_connection_end_with_one_message_each(
    immediate_tasks, smtp_server, session, make_subscription
):
    immediate_tasks.ANNOUNCEMENT_RETRY_SECONDS = 0
    addresses = _subscribers(make_subscription, 40)
    sink = smtp_server.handler
    sink.refuse_temporarily.update({"reader3@example.org": 2, "reader7@example.org": 1})
    sink.refuse_permanently.update({"reader5@example.org", "reader31@example.org"})
    sink.fail_data_temporarily["reader9@example.org"] = 1
    sink.drop_connection_at.update({"reader15@example.org": 1, "reader16@example.org": 1})

    announcement = announcement_create(session=session)
    after_first_run = dict(announcement.deliveries.values_list("subscription__email", "status"))
    assert after_first_run["reader0@example.org"] == DeliveryStatus.SENT
    assert after_first_run["reader39@example.org"] == DeliveryStatus.SENT  # not held up
    assert after_first_run["reader5@example.org"] == DeliveryStatus.FAILED
    for waiting in ["reader3", "reader7", "reader9", "reader15", "reader16"]:
        assert after_first_run[f"{waiting}@example.org"] == DeliveryStatus.PENDING
    # The dropped connections were replaced, not one opened per message.
    assert sink.connections == 3

    runs = 1
    while announcement_resume(announcement=announcement):
        runs += 1
        assert runs < 10
    assert runs == 3  # reader3 needed two retries

    permanent = {"reader5@example.org", "reader31@example.org"}
    assert Counter(sink.recipients()) == {
        address: 1 for address in addresses if address not in permanent
    }
    failed = dict(
        announcement.deliveries.filter(status=DeliveryStatus.FAILED).values_list(
            "subscription__email", "last_error"
        )
    )
    assert set(failed) == permanent
    assert all(error.startswith("550 5.1.1 No such mailbox") for error in failed.values())
    retried = Delivery.objects.get(
        announcement=announcement, subscription__email="reader3@example.org"
    )
    assert (retried.status, retried.attempts, retried.last_error) == (DeliveryStatus.SENT, 3, "")
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.FINISHED


def test_temporary_failures_are_given_up_after_the_last_attempt(
    immediate_tasks, smtp_server, session, make_subscription
):
    immediate_tasks.ANNOUNCEMENT_RETRY_SECONDS = 0
    immediate_tasks.ANNOUNCEMENT_MAX_ATTEMPTS = 3
    make_subscription("busy@example.org")
    smtp_server.handler.refuse_temporarily["busy@example.org"] = 99
    announcement = announcement_create(session=session)
    while announcement_resume(announcement=announcement):
        pass
    delivery = announcement.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3
    assert delivery.last_error.startswith("Gave up after 3 attempts: 450 4.2.1")
    assert smtp_server.handler.messages == []


def test_retries_wait_longer_each_time(settings):
    settings.ANNOUNCEMENT_RETRY_SECONDS = 60
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == LONGEST_RETRY_DELAY


def _unreachable(settings):
    from tests.meetups.smtp import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }


def test_an_unreachable_server_pauses_the_run_and_blames_no_delivery(
    settings, session, make_subscription
):
    from django_tasks_db.models import DBTaskResult

    settings.ANNOUNCEMENT_RETRY_SECONDS = 60
    _unreachable(settings)
    _subscribers(make_subscription, 5)
    announcement = announcement_create(session=session)  # queued in the database backend
    report = send_announcement.call(announcement.pk, str(announcement.run_token))
    assert report["result"] == "mail server unavailable" and report["sent"] == 0
    # Nobody's attempt: the first delivery in line is as untouched as the others.
    statuses = list(announcement.deliveries.values_list("status", "attempts", "last_error"))
    assert statuses == [(DeliveryStatus.PENDING, 0, "")] * 5
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SENDING and not announcement.lease_owner
    # The next run is queued for after the back-off, counting this outage.
    (retry,) = DBTaskResult.objects.filter(
        status="READY", args_kwargs__args__1=str(announcement.run_token)
    )
    assert retry.args_kwargs["kwargs"] == {"outages": 1}
    assert timezone.now() + timedelta(seconds=50) < retry.run_after
    assert retry.run_after < timezone.now() + timedelta(seconds=61)

    # Each further outage in a row waits twice as long, and still blames nobody.
    send_announcement.call(announcement.pk, str(announcement.run_token), outages=1)
    announcement.refresh_from_db()
    (retry,) = DBTaskResult.objects.filter(
        status="READY", args_kwargs__args__1=str(announcement.run_token)
    )
    assert retry.args_kwargs["kwargs"] == {"outages": 2}
    assert retry.run_after > timezone.now() + timedelta(seconds=110)
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {0}


def test_an_outage_longer_than_every_retry_fails_nobody(
    immediate_tasks, smtp_server, session, make_subscription
):
    immediate_tasks.ANNOUNCEMENT_MAX_ATTEMPTS = 2
    addresses = _subscribers(make_subscription, 3)
    smtp_server.stop()
    announcement = announcement_create(session=session)
    # Far more outages than a delivery has attempts.
    for _ in range(5):
        assert announcement_resume(announcement=announcement)
    assert not smtp_server.handler.messages
    assert not announcement.deliveries.filter(status=DeliveryStatus.FAILED).exists()

    smtp_server.start()
    assert announcement_resume(announcement=announcement)
    assert sorted(smtp_server.handler.recipients()) == sorted(addresses)
    assert set(announcement.deliveries.values_list("status", "attempts")) == {
        (DeliveryStatus.SENT, 1)
    }


def test_a_server_that_will_not_talk_or_refuses_the_sender_is_an_outage(
    immediate_tasks, smtp_server, session, make_subscription
):
    """A 421 greeting reply, or a 4xx to MAIL FROM: no message is to blame."""
    sink = smtp_server.handler
    _subscribers(make_subscription, 3)

    async def busy_ehlo(server, session_, envelope, hostname, responses):
        return ["421 4.3.2 Too busy, come back later"]

    async def busy_helo(server, session_, envelope, hostname):
        return "421 4.3.2 Too busy, come back later"

    sink.handle_EHLO, sink.handle_HELO = busy_ehlo, busy_helo
    announcement = announcement_create(session=session)
    assert not sink.messages
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {0}

    del sink.handle_EHLO, sink.handle_HELO

    async def sender_refused(server, session_, envelope, address, mail_options):
        return "451 4.3.0 Sender check unavailable"

    sink.handle_MAIL = sender_refused
    assert announcement_resume(announcement=announcement)
    assert not sink.messages
    assert set(announcement.deliveries.values_list("attempts", flat=True)) == {0}

    del sink.handle_MAIL
    assert announcement_resume(announcement=announcement)
    assert len(sink.messages) == 3


def test_a_message_kept_before_the_connection_dropped_is_resent_with_its_message_id(
    immediate_tasks, smtp_server, session, make_subscription
):
    """The documented duplicate: the server kept it, but its 250 never arrived."""
    immediate_tasks.ANNOUNCEMENT_RETRY_SECONDS = 0
    _subscribers(make_subscription, 3)
    sink = smtp_server.handler
    sink.drop_after_accepting["reader1@example.org"] = 1

    announcement = announcement_create(session=session)
    delivery = announcement.deliveries.get(subscription__email="reader1@example.org")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.last_error.startswith("connection lost")
    assert announcement_resume(announcement=announcement)

    copies = [m for m in sink.messages if m["To"] == "reader1@example.org"]
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    # Each recipient's message has its own id, derived from the delivery and this site.
    ids = {m["To"]: m["Message-ID"] for m in sink.messages}
    assert len(set(ids.values())) == 3
    assert ids["reader1@example.org"].startswith(f"<delivery-{delivery.pk}.")
    assert ids["reader1@example.org"].endswith("@127.0.0.1>")


def test_an_address_that_unsubscribes_while_queued_is_skipped(
    settings, smtp_server, session, make_subscription, series
):
    _subscribers(make_subscription, 3)
    announcement = announcement_create(session=session)  # database backend: not sent yet
    subscription_unsubscribe(series_id=series.pk, email="reader1@example.org")
    send_announcement.call(announcement.pk, str(announcement.run_token))
    assert sorted(smtp_server.handler.recipients()) == [
        "reader0@example.org",
        "reader2@example.org",
    ]
    skipped = announcement.deliveries.get(status=DeliveryStatus.SKIPPED)
    assert skipped.subscription.email == "reader1@example.org"


def test_running_again_sends_only_what_is_pending(
    immediate_tasks, smtp_server, session, make_subscription
):
    _subscribers(make_subscription, 4)
    announcement = announcement_create(session=session)
    assert len(smtp_server.handler.messages) == 4
    Delivery.objects.filter(
        announcement=announcement, subscription__email="reader2@example.org"
    ).update(status=DeliveryStatus.PENDING)
    Announcement.objects.filter(pk=announcement.pk).update(status=AnnouncementStatus.SENDING)
    assert announcement_resume(announcement=announcement)
    assert Counter(smtp_server.handler.recipients())["reader2@example.org"] == 2
    assert len(smtp_server.handler.messages) == 5
    assert not announcement_resume(announcement=announcement)  # nothing left to send


# --- who may continue an announcement -----------------------------------------------------


def _queued_runs(announcement):
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(status="READY", task_path="meetups.tasks.send_announcement")
        .filter(args_kwargs__args__0=announcement.pk)
        .order_by("enqueued_at")
    )


def test_a_run_queues_its_successor_before_sending_and_hands_over_when_done(
    settings, smtp_server, session, make_subscription
):
    settings.ANNOUNCEMENT_LEASE_SECONDS = 120
    _subscribers(make_subscription, 2)
    announcement = announcement_create(session=session)
    (first,) = _queued_runs(announcement)

    report = send_announcement.call(announcement.pk, str(announcement.run_token))
    assert report["sent"] == 2 and report["result"] == "done"
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.FINISHED and announcement.run_token is None
    # The safety-net run queued before sending is still there, and stops at once.
    safety_net = [run for run in _queued_runs(announcement) if run.pk != first.pk]
    assert len(safety_net) == 1
    assert safety_net[0].run_after > timezone.now() + timedelta(seconds=100)
    token = safety_net[0].args_kwargs["args"][1]
    assert send_announcement.call(announcement.pk, token)["result"] == "finished"


def test_a_second_run_waits_for_the_lease_and_a_stale_one_stops(
    settings, session, make_subscription
):
    settings.ANNOUNCEMENT_LEASE_SECONDS = 120
    _subscribers(make_subscription, 2)
    announcement = announcement_create(session=session)
    now = timezone.now()
    Announcement.objects.filter(pk=announcement.pk).update(
        lease_owner="another-worker", lease_expires_at=now + timedelta(seconds=60)
    )
    old_token = str(announcement.run_token)
    assert send_announcement.call(announcement.pk, old_token)["result"] == "busy"
    announcement.refresh_from_db()
    later = _queued_runs(announcement)[-1]
    assert later.args_kwargs["args"][1] == str(announcement.run_token)
    assert now + timedelta(seconds=59) < later.run_after < now + timedelta(seconds=65)
    # The run it replaced does nothing if it comes again.
    assert send_announcement.call(announcement.pk, old_token)["result"] == "superseded"
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_a_dead_workers_lease_runs_out_and_the_next_run_takes_over(
    settings, smtp_server, session, make_subscription
):
    _subscribers(make_subscription, 3)
    announcement = announcement_create(session=session)
    Announcement.objects.filter(pk=announcement.pk).update(
        lease_owner="dead-worker", lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    report = send_announcement.call(announcement.pk, str(announcement.run_token))
    assert report["sent"] == 3
    assert len(smtp_server.handler.messages) == 3


def test_with_the_default_file_mailer_every_message_lands_as_a_file(
    immediate_tasks, session, make_subscription, tmp_path
):
    """What `make run` does without EMAIL_URL: no SMTP server, so no greeting to check."""
    immediate_tasks.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(tmp_path)},
        }
    }
    _subscribers(make_subscription, 2)
    announcement = announcement_create(session=session)
    assert set(announcement.deliveries.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    text = "".join(path.read_text() for path in tmp_path.iterdir())
    for delivery in announcement.deliveries.all():
        assert f"Message-ID: <delivery-{delivery.pk}." in text
