"""The links in the club's emails name a row, never the address; old links keep working."""

import pytest
from django.core import mail

from meetups import services
from meetups.enums import SubscriptionStatus
from meetups.mailing import tokens
from meetups.models import Subscription
from tests.helpers.links import (
    legacy_confirm_token,
    legacy_manage_token,
    legacy_unsubscribe_token,
    readable_part,
)

pytestmark = pytest.mark.usefixtures("immediate_tasks")


def test_no_link_of_a_subscription_email_shows_the_address(series):
    services.subscription_request(series=series, email="ada.lovelace@example.org", client_ip="1")
    (message,) = mail.outbox
    links = [word for word in message.body.split() if "/club/subscriptions/" in word]
    assert len(links) == 3  # confirm, manage, unsubscribe
    for link in [*links, message.extra_headers["List-Unsubscribe"].strip("<>")]:
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert "ada" not in link.lower() and "ada" not in readable_part(token).lower()


def test_links_mailed_before_they_became_opaque_keep_working(client, series, make_subscription):
    import time

    make_subscription("ada@example.org")
    manage = client.get(f"/club/subscriptions/manage/{legacy_manage_token('ada@example.org')}/")
    assert manage.status_code == 200 and "ada@example.org" in manage.content.decode()
    unsubscribe = legacy_unsubscribe_token(series_id=series.pk, email="ada@example.org")
    response = client.post(
        f"/club/subscriptions/unsubscribe/{unsubscribe}/",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert "You are unsubscribed" in response.content.decode()
    assert Subscription.objects.get().status == SubscriptionStatus.UNSUBSCRIBED

    make_subscription("bob@example.org", status=SubscriptionStatus.PENDING)
    confirm = legacy_confirm_token(
        series_id=series.pk, email="bob@example.org", issued_at=int(time.time())
    )
    assert (
        "You are subscribed"
        in client.post(f"/club/subscriptions/confirm/{confirm}/").content.decode()
    )


def test_a_link_to_a_row_that_is_gone_gets_a_clear_page(client, series, make_subscription):
    subscription = make_subscription("ada@example.org")
    manage = tokens.manage_token(subscription_id=subscription.pk)
    unsubscribe = tokens.unsubscribe_token(subscription_id=subscription.pk)
    subscription.delete()
    for path in [
        f"/club/subscriptions/manage/{manage}/",
        f"/club/subscriptions/unsubscribe/{unsubscribe}/",
    ]:
        response = client.get(path)
        assert (
            response.status_code == 400 and "This link does not work" in response.content.decode()
        )


def test_an_announcements_im_coming_link_gives_a_subscriber_a_place_at_once(
    client, series, make_session, make_subscription
):
    from meetups.enums import AttendanceStatus
    from meetups.models import Attendance

    session = make_session(number=8, days=4, capacity=3)
    subscriber = make_subscription("ada@example.org")
    path = (
        "/"
        + tokens.rsvp_from_announcement_url(
            subscription_id=subscriber.pk, session_id=session.pk
        ).split("/", 3)[3]
    )
    assert "Yes, I'm coming" in client.get(path).content.decode()
    assert not Attendance.objects.exists()  # a mail scanner's GET takes no place
    assert "You're in" in client.post(path).content.decode()
    assert Attendance.objects.get().status == AttendanceStatus.GOING
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["You're in"]  # no confirmation
    assert "You had confirmed already" in client.post(path).content.decode()

    services.subscription_unsubscribe(series_id=series.pk, email="ada@example.org")
    other = make_session(number=9, days=18)
    late = (
        "/"
        + tokens.rsvp_from_announcement_url(
            subscription_id=subscriber.pk, session_id=other.pk
        ).split("/", 3)[3]
    )
    assert "subscription that has ended" in client.post(late).content.decode()
    assert Attendance.objects.count() == 1


def test_each_announcement_copy_carries_its_subscribers_own_im_coming_link(
    client, make_session, make_subscription
):
    session = make_session(number=10, days=4, capacity=3)
    for email in ["ada@example.org", "bob@example.org"]:
        make_subscription(email)
    services.announcement_create(session=session)
    paths = {}
    for message in mail.outbox:
        (link,) = [w for w in message.body.split() if "/rsvp/announced/" in w]
        paths[message.to[0]] = "/" + link.split("/", 3)[3]
    assert len(set(paths.values())) == 2
    client.post(paths["bob@example.org"])
    assert session.attendances.get().email == "bob@example.org"
