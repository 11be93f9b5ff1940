"""The club's emails as bytes: the spliced fast path says exactly what the library would."""

import email
import email.policy

import pytest
from icalendar import Calendar

from meetups.mailing.content import announcement_content, announcement_subject
from meetups.mailing.mime import AnnouncementMailing, ClubEmail, ListInvitation
from meetups.models import Session


@pytest.fixture
def mailing(make_session):
    session = make_session(
        number=20,
        title="DHT security — “Sybil” edition",
        days=5,
        papers=2,
        # An organizer who types a marker must not break anybody's email.
        description="Bring questions. html-body-0123 Date: Thu, 01 Jan 1970 00:00:00 +0000 ümlaut "
        + "long " * 40,
    )
    session = Session.objects.for_display().get(pk=session.pk)
    subject = announcement_subject(session)
    return AnnouncementMailing(
        content=announcement_content(session, subject=subject),
        series=session.series,
        calendar=ListInvitation(session),
    )


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("policy", [email.policy.SMTP, email.policy.default], ids=["smtp", "file"])
def test_spliced_message_reads_the_same_as_one_built_by_the_library(mailing, policy):
    prepared = mailing.message("Ada@example.org", subscription_id=7)
    fast = _parse(prepared.message(policy=policy).as_bytes())
    slow = _parse(ClubEmail.message(prepared, policy=policy).as_bytes())
    assert policy.linesep.encode() in prepared.message(policy=policy).as_bytes()
    for header in [
        "Subject",
        "From",
        "To",
        "List-Id",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Archive",
        "MIME-Version",
        "Content-Type",
    ]:
        assert str(fast[header]).split(";")[0] == str(slow[header]).split(";")[0], header
    assert fast["Message-ID"] and fast["Message-ID"] != slow["Message-ID"]
    assert fast["Date"].datetime
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == slow.get_body((kind,)).get_content()
    # The invitation names the recipient, spliced in the same as built whole.
    (fast_ics,) = fast.iter_attachments()
    whole = mailing.invitation.part_for("Ada@example.org", partstat="NEEDS-ACTION")
    assert Calendar.from_ical(fast_ics.get_content()) == Calendar.from_ical(whole.get_content())
    assert fast_ics.get_param("method") == "REQUEST"
    (event,) = Calendar.from_ical(fast_ics.get_content()).walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:Ada@example.org"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    text = fast.get_body(("plain",)).get_content()
    assert "html-body-0123 Date: Thu, 01 Jan 1970 00:00:00 +0000 ümlaut" in text
    assert "/club/subscriptions/manage/" in text and "/club/subscriptions/unsubscribe/" in text


def test_every_line_stays_within_the_limits(mailing):
    raw = (
        mailing.message("ada@example.org", subscription_id=7)
        .message(policy=email.policy.SMTP)
        .as_bytes()
    )
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 998
    header_block = raw.split(b"\r\n\r\n")[0]
    assert b"=?" not in header_block.split(b"List-Unsubscribe:")[1].split(b"\r\n")[0]
    assert raw.isascii()
    # Quoted-printable lines are at most 76 characters (RFC 2045).
    for part in _parse(raw).walk():
        if not part.is_multipart():
            assert part["Content-Transfer-Encoding"] == "quoted-printable"
            assert max(len(line) for line in part.get_payload().splitlines()) <= 76


def test_an_internationalized_address_takes_the_librarys_path(mailing):
    raw = (
        mailing.message("ada@bücher.example", subscription_id=7)
        .message(policy=email.policy.SMTP)
        .as_bytes()
    )
    parsed = _parse(raw)
    assert parsed["To"] == "ada@xn--bcher-kva.example"
    (ics,) = parsed.iter_attachments()
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:ada@bücher.example"


def test_a_long_address_is_folded_inside_the_invitation_and_still_reads_whole(mailing):
    address = "ada.augusta.king.countess.of.lovelace@analytical-engines.example.org"
    raw = mailing.message(address, subscription_id=7, partstat="ACCEPTED").message(
        policy=email.policy.SMTP
    )
    (ics,) = _parse(raw.as_bytes()).iter_attachments()
    content = ics.get_content()
    assert max(len(line.encode()) for line in content.splitlines()) <= 75  # RFC 5545 3.1
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["ATTENDEE"]) == f"mailto:{address}"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_deploy_check_wants_https_unsubscribe_links(settings):
    from meetups.checks import unsubscribe_links_use_https

    settings.SITE_URL = "http://club.example.org"
    (warning,) = unsubscribe_links_use_https(None)
    assert warning.id == "meetups.W001"
    settings.SITE_URL = "https://club.example.org"
    assert unsubscribe_links_use_https(None) == []
