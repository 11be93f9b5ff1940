from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetups.enums import SessionStatus
from meetups.models import Paper, ReadingListEntry, Session


def test_number_is_filled_in_with_the_next_free_one(series, make_session):
    make_session(number=19)
    session = make_session()
    assert session.number == 20
    assert series.next_session_number() == 21


def test_a_taken_number_is_refused_with_the_reason(series, make_session):
    make_session(number=20)
    duplicate = Session(
        series=series,
        number=20,
        starts_at=series.created_at,
        ends_at=series.created_at + timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already exists" in error.value.message_dict["number"][0]
    assert "next free number is 21" in error.value.message_dict["number"][0]
    # The database refuses it too, whatever path the row takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_end_before_start_is_refused_with_the_reason(series, make_session):
    session = make_session()
    session.ends_at = session.starts_at - timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["ends_at"] == ["The session must end after it starts."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(ends_at=session.starts_at)


def test_cancel_keeps_the_session_and_its_number(make_session):
    session = make_session(number=12)
    session.cancel(reason="Room double-booked.")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.number == 12
    assert session.cancellation_reason == "Room double-booked."
    assert session.is_published()
    session.reinstate()
    assert Session.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED


@pytest.mark.parametrize(
    ("change", "grows"),
    [
        (lambda s: setattr(s, "starts_at", s.starts_at - timedelta(hours=1)), True),
        (lambda s: setattr(s, "ends_at", s.ends_at + timedelta(hours=1)), True),
        (lambda s: setattr(s, "venue_name", "Another room"), True),
        (lambda s: setattr(s, "online_url", "https://meet.example.org/x"), True),
        (lambda s: setattr(s, "status", SessionStatus.CANCELLED), True),
        (lambda s: setattr(s, "title", "A new topic"), False),
        (lambda s: setattr(s, "write_up", "We discussed it."), False),
    ],
    ids=["start", "end", "venue", "online", "status", "title", "write-up"],
)
def test_sequence_grows_when_time_place_or_status_change(make_session, change, grows):
    session = make_session()
    assert session.sequence == 0
    change(session)
    session.save()
    session.refresh_from_db()
    assert session.sequence == (1 if grows else 0)


def test_a_changed_series_venue_moves_the_sequence_of_sessions_that_use_it(series, make_session):
    inherits = make_session()
    own_room = make_session(
        venue_name="Their own room",
        venue_address="Elsewhere 1",
        venue_map_url="https://maps.example.org/1",
        online_url="https://meet.example.org/own",
    )
    series.venue_name = "The new room"
    series.save()
    inherits.refresh_from_db()
    own_room.refresh_from_db()
    assert inherits.sequence == 1
    assert inherits.place_venue_name == "The new room"
    assert own_room.sequence == 0


def test_local_time_is_shown_with_the_zone_label(make_session):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    session = make_session(
        starts_at=datetime(2026, 7, 14, 19, 0, tzinfo=berlin),
        ends_at=datetime(2026, 7, 14, 21, 0, tzinfo=berlin),
    )
    assert session.when_text == "Tuesday, 14 July 2026, 19:00–21:00 CEST (Europe/Berlin)"
    assert session.starts_at.utcoffset() is not None


def test_unknown_time_zone_is_refused(make_series):
    with pytest.raises(ValidationError) as error:
        make_series(time_zone="Mars/Olympus_Mons")
    assert "IANA" in error.value.message_dict["time_zone"][0]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("10.1145/359545.359563", "10.1145/359545.359563"),
        ("https://doi.org/10.1145/359545.359563", "10.1145/359545.359563"),
        ("doi: 10.1109/ICPADS.2007.4447808", "10.1109/ICPADS.2007.4447808"),
    ],
    ids=["bare", "url", "prefix"],
)
def test_doi_is_normalized(make_paper, given, stored):
    assert make_paper(doi=given).doi == stored


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("1608.06696", "1608.06696"),
        ("arXiv:1608.06696v2", "1608.06696"),
        ("https://arxiv.org/abs/1608.06696v1", "1608.06696"),
        ("https://arxiv.org/pdf/1608.06696v3.pdf", "1608.06696"),
        ("cs/0112019", "cs/0112019"),
    ],
    ids=["bare", "prefixed-version", "abs-url", "pdf-url", "old-style"],
)
def test_arxiv_id_is_normalized(make_paper, given, stored):
    assert make_paper(arxiv_id=given).arxiv_id == stored


def test_the_same_doi_or_arxiv_id_is_never_stored_twice(make_paper):
    make_paper(title="Paxos Made Simple", doi="10.1145/568425.568433", arxiv_id="1608.06696")
    with pytest.raises(ValidationError) as error:
        make_paper(doi="https://doi.org/10.1145/568425.568433")
    assert "Paxos Made Simple" in error.value.message_dict["doi"][0]
    with pytest.raises(ValidationError) as error:
        make_paper(arxiv_id="arXiv:1608.06696v3")
    assert "arxiv_id" in error.value.message_dict
    # DOIs ignore case, and the database agrees even without full_clean().
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.create(title="Copy", doi="10.1145/568425.568433".upper())
    with pytest.raises(IntegrityError), transaction.atomic():
        Paper.objects.create(title="Copy", arxiv_id="1608.06696v2")
    # Papers without identifiers are not duplicates of each other.
    Paper.objects.create(title="No id 1")
    Paper.objects.create(title="No id 2")


def test_malformed_identifiers_are_refused(make_paper):
    with pytest.raises(ValidationError) as error:
        make_paper(doi="not-a-doi", arxiv_id="hello")
    assert set(error.value.message_dict) == {"doi", "arxiv_id"}


def test_reading_list_keeps_order_and_a_paper_once(make_session, make_paper):
    session = make_session()
    first, second = make_paper(title="B"), make_paper(title="A")
    ReadingListEntry.objects.create(session=session, paper=first)
    ReadingListEntry.objects.create(session=session, paper=second)
    assert [e.paper.title for e in session.reading_list.all()] == ["B", "A"]
    assert [e.position for e in session.reading_list.all()] == [1, 2]
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadingListEntry.objects.create(session=session, paper=first)


def test_markdown_is_rendered_and_sanitized_on_save(make_session):
    session = make_session(
        description="We read **Raft**.<script>alert(1)</script>", write_up="| a |\n|---|\n| b |"
    )
    assert "<strong>Raft</strong>" in session.description_html
    assert "<script>" not in session.description_html
    assert "<table>" in session.write_up_html


def test_changing_a_published_address_leaves_redirects(client, series, make_session):
    session = make_session(number=3)
    series.slug = "ds-club"
    series.save()
    assert client.get("/club/distributed-systems/").headers["Location"] == "/club/ds-club/"
    assert client.get("/club/distributed-systems/3/").headers["Location"] == "/club/ds-club/3/"
    response = client.get("/club/distributed-systems/calendar.ics")
    assert response.status_code == 301
    assert response.headers["Location"] == "/club/ds-club/calendar.ics"
    session.refresh_from_db()
    session.number = 4
    session.save()
    assert client.get("/club/ds-club/3/").headers["Location"] == "/club/ds-club/4/"


@pytest.mark.parametrize("field", ["online_url", "venue_map_url"])
def test_series_links_must_be_web_addresses(db, field):
    from django.core.exceptions import ValidationError

    from meetups.models import Series

    series = Series(
        name="Club", slug="club", time_zone="Europe/Berlin", **{field: "javascript:alert(1)"}
    )
    with pytest.raises(ValidationError) as error:
        series.full_clean()
    assert "http:// or https://" in str(error.value.message_dict[field])
