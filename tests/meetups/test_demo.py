import json

from icalendar import Calendar

from meetups import demo
from meetups.models import Paper, Series, Session


def test_demo_club_has_past_and_upcoming_sessions_with_real_papers(client, organizer):
    assert not demo.has_content()
    summary = demo.load(author=organizer)
    assert demo.has_content()
    assert "Distributed Systems Paper Club" in summary

    series = Series.objects.get()
    assert series.time_zone == "Europe/Berlin"
    assert series.cadence_text == "every other Tuesday, 19:00 Europe/Berlin"
    past = list(Session.objects.published().past().with_reading_list())
    held = [s for s in past if not s.is_cancelled]
    assert len(held) >= 6
    assert all(1 <= len(s.reading_list.all()) <= 5 and s.write_up for s in held)
    assert any(s.is_cancelled for s in past)
    upcoming = Session.objects.published().upcoming()
    assert upcoming.count() == 2
    assert {s.local_start.strftime("%A %H:%M") for s in Session.objects.all()} == {"Tuesday 19:00"}
    assert Paper.objects.filter(title="In Search of an Understandable Consensus Algorithm").exists()
    assert Paper.objects.exclude(doi="").count() >= 15

    assert client.get("/club/").status_code == 200
    page = client.get("/club/distributed-systems/").content.decode()
    assert "21st Distributed Systems Paper Club: Byzantine consensus" in page
    calendar = Calendar.from_ical(client.get("/club/distributed-systems/calendar.ics").content)
    assert len(calendar.walk("VEVENT")) == Session.objects.count()


def test_demo_desk_shows_the_next_session_moved_with_its_notice_due(staff_client, organizer):
    demo.load(author=organizer)
    html = staff_client.get("/admin/meetups/session/desk/").content.decode()
    assert "due: notify" in html
    moved = Session.objects.published().upcoming().order_by("starts_at").first()
    page = staff_client.get(f"/admin/meetups/session/{moved.pk}/notify/").content.decode()
    assert "Room 3.14, Example Co-working" in page and "Room 4.01" in page


def test_demo_papers_come_from_their_data_file_in_its_order(organizer):
    demo.load(author=organizer)
    titles = [
        paper["title"]
        for paper in json.loads(demo.PAPERS_FILE.read_text(encoding="utf-8")).values()
    ]
    assert len(titles) == 30
    assert list(Paper.objects.order_by("pk").values_list("title", flat=True)) == titles
    raft = Paper.objects.get(title="In Search of an Understandable Consensus Algorithm")
    assert raft.author_list == ["Diego Ongaro", "John Ousterhout"]
    assert (raft.kind, raft.venue, raft.year, raft.pdf_url) == (
        "inproceedings",
        "USENIX Annual Technical Conference (USENIX ATC 14)",
        2014,
        "https://raft.github.io/raft.pdf",
    )


def test_demo_club_has_open_suggestions_with_votes_and_an_offer_to_present(organizer):
    from meetups.enums import ClaimStatus, SuggestionStatus
    from meetups.models import PresenterClaim, Suggestion

    demo.load(author=organizer)
    ranked = list(Suggestion.objects.filter(status=SuggestionStatus.OPEN).ranked())
    assert [(s.paper.title, s.vote_count) for s in ranked] == [
        ("Chain Replication for Supporting High Throughput and Availability", 4),
        ("Zab: High-performance broadcast for primary-backup systems", 2),
        ("Viewstamped Replication Revisited", 1),
    ]
    # Suggested papers are not read yet.
    assert not any(s.paper.readings.exists() for s in ranked)
    (claim,) = PresenterClaim.objects.all()
    assert claim.status == ClaimStatus.PENDING and claim.entry.session.is_upcoming()
    assert claim.entry.presenter == ""
