"""The session as an emailed invitation: REQUEST with a growing SEQUENCE, CANCEL when cancelled."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from meetups.calendars import session_calendar, session_invitation
from meetups.models import Session


def _event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_an_invitation_names_organizer_and_attendee_with_the_feeds_uid(make_session):
    session = make_session(number=20)
    calendar, event = _event(
        session_invitation(
            session, attendee_email="ada@example.org", attendee_name="Ada", partstat="ACCEPTED"
        )
    )
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == str(session.uid)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:club@127.0.0.1"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:ada@example.org"
    assert attendee.params["CN"] == "Ada" and attendee.params["PARTSTAT"] == "ACCEPTED"
    assert attendee.params["RSVP"] == "FALSE"
    # The download and the feed stay without a method, with the same identity.
    download = Calendar.from_ical(session_calendar(session))
    assert "METHOD" not in download
    (feed_event,) = download.walk("VEVENT")
    assert str(feed_event["UID"]) == str(session.uid)


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": timedelta(hours=1), "ends_at": timedelta(hours=1)},
        {"ends_at": timedelta(minutes=30)},
        {"venue_name": "Lab 4"},
        {"online_url": "https://meet.example.org/elsewhere"},
    ],
    ids=["moved", "longer", "venue", "online-link"],
)
def test_every_change_of_time_or_place_raises_the_sequence(make_session, change):
    session = make_session(number=20)
    _, before = _event(session_invitation(session))
    for field, value in change.items():
        setattr(
            session,
            field,
            getattr(session, field) + value if isinstance(value, timedelta) else value,
        )
    session.save()
    session = Session.objects.get(pk=session.pk)
    _, after = _event(session_invitation(session))
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["UID"]) == str(before["UID"])


def test_a_change_of_the_description_alone_keeps_the_sequence(make_session):
    session = make_session(number=20)
    sequence = session.sequence
    session.description = "Bring questions."
    session.save()
    assert Session.objects.get(pk=session.pk).sequence == sequence


def test_a_cancelled_session_is_a_cancel_with_a_higher_sequence(make_session):
    session = make_session(number=20)
    _, before = _event(session_invitation(session))
    session.cancel(reason="The room is flooded.")
    calendar, event = _event(session_invitation(Session.objects.get(pk=session.pk)))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == str(before["UID"])
    assert int(event["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(event["ORGANIZER"]) == "mailto:club@127.0.0.1"
