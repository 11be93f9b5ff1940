"""The organizer's side: local wall-clock times, actions with their forms."""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.utils.html import strip_tags

from meetups.enums import SessionStatus
from meetups.models import Paper, Session

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def _session_form(series, **overrides):
    data = {
        "series": series.pk,
        "number": "",
        "title": "DHT security",
        "starts_at_0": "2026-07-14",
        "starts_at_1": "19:00",
        "ends_at_0": "2026-07-14",
        "ends_at_1": "21:00",
        "description": "",
        "write_up": "",
        "tags": "dht, security",
        "venue_name": "",
        "venue_address": "",
        "venue_map_url": "",
        "online_url": "",
        "status": "scheduled",
        "cancellation_reason": "",
        "published_at_0": "",
        "published_at_1": "",
        "reading_list-TOTAL_FORMS": "0",
        "reading_list-INITIAL_FORMS": "0",
        "reading_list-MIN_NUM_FORMS": "0",
        "reading_list-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_times_are_entered_as_wall_clock_in_the_series_zone(staff_client, series, make_series):
    response = staff_client.post("/admin/meetups/session/add/", _session_form(series))
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = Session.objects.get()
    assert session.number == 1
    assert session.starts_at == datetime(2026, 7, 14, 19, 0, tzinfo=BERLIN)
    assert session.starts_at.astimezone(ZoneInfo("UTC")).hour == 17

    new_york = make_series(name="NYC Papers", slug="nyc", time_zone="America/New_York")
    staff_client.post("/admin/meetups/session/add/", _session_form(new_york))
    assert Session.objects.get(series=new_york).starts_at == datetime(
        2026, 7, 14, 19, 0, tzinfo=NEW_YORK
    )


def test_the_change_form_shows_the_stored_time_in_the_series_zone(staff_client, make_session):
    session = make_session(
        starts_at=datetime(2026, 1, 13, 18, 0, tzinfo=ZoneInfo("UTC")),
        ends_at=datetime(2026, 1, 13, 20, 0, tzinfo=ZoneInfo("UTC")),
    )
    html = staff_client.get(f"/admin/meetups/session/{session.pk}/change/").content.decode()
    assert 'value="19:00:00"' in html and 'value="2026-01-13"' in html
    assert "Local wall-clock time in Europe/Berlin." in html


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"ends_at_1": "18:00"}, "ends_at", "must end after it starts"),
        ({"number": "20"}, "number", "already exists"),
        (
            {"starts_at_0": "2026-03-29", "starts_at_1": "02:30", "ends_at_0": "2026-03-29"},
            "starts_at",
            "does not exist in Europe/Berlin",
        ),
    ],
    ids=["end-before-start", "number-taken", "skipped-by-dst"],
)
def test_bad_session_input_is_refused_next_to_the_field(
    staff_client, series, make_session, overrides, field, words
):
    make_session(number=20)
    response = staff_client.post("/admin/meetups/session/add/", _session_form(series, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert words in " ".join(errors[field])
    assert Session.objects.count() == 1


def test_add_form_prefills_the_series_next_number_and_slot(staff_client, series, make_session):
    make_session(number=41)
    response = staff_client.get(f"/admin/meetups/session/add/?series={series.pk}")
    form = response.context["adminform"].form
    assert form.initial["number"] == 42
    assert form.initial["starts_at"].strftime("%A %H:%M") == "Tuesday 19:00"
    html = response.content.decode()
    assert 'name="number" value="42"' in html


def test_schedule_action_asks_for_n_then_creates_sessions(staff_client, series):
    url = "/admin/meetups/series/"
    ask = staff_client.post(url, {"action": "schedule_sessions", ACTION_CHECKBOX_NAME: [series.pk]})
    assert ask.status_code == 200
    assert b"How many sessions" in ask.content
    assert b'value="Schedule"' in ask.content
    assert b'<a href="/admin/meetups/series/">Series</a>' in ask.content
    # The organizer publishes on purpose: the box starts unticked.
    assert re.search(rb'<input type="checkbox" name="publish"(?![^>]*checked)[^>]*>', ask.content)
    # The dates read as they do on the site.
    assert re.search(
        rb"(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, \d{1,2} [A-Z][a-z]+ 20\d\d, 19:00", ask.content
    )
    assert Session.objects.count() == 0

    refused = staff_client.post(
        url,
        {
            "action": "schedule_sessions",
            ACTION_CHECKBOX_NAME: [series.pk],
            "apply": "1",
            "count": "0",
        },
    )
    assert refused.status_code == 200 and Session.objects.count() == 0

    done = staff_client.post(
        url,
        {
            "action": "schedule_sessions",
            ACTION_CHECKBOX_NAME: [series.pk],
            "apply": "1",
            "count": "3",
            "publish": "on",
        },
    )
    assert done.status_code == 302
    sessions = list(Session.objects.order_by("number"))
    assert [s.number for s in sessions] == [1, 2, 3]
    assert {s.local_start.strftime("%A %H:%M") for s in sessions} == {"Tuesday 19:00"}
    assert all(s.is_published() for s in sessions)
    message = staff_client.get(url).content.decode()
    assert "scheduled 3 sessions, the 1st" in message and "(s)" not in message


def test_scheduled_sessions_are_drafts_unless_the_box_is_ticked(staff_client, series):
    done = staff_client.post(
        "/admin/meetups/series/",
        {
            "action": "schedule_sessions",
            ACTION_CHECKBOX_NAME: [series.pk],
            "apply": "1",
            "count": "1",
        },
        follow=True,
    )
    (session,) = Session.objects.all()
    assert not session.is_published()
    assert "scheduled the 1st session" in done.content.decode()
    assert "drafts until you publish them" in done.content.decode()


def test_cancel_action_asks_for_a_reason(staff_client, make_session):
    session = make_session(number=8)
    url = "/admin/meetups/session/"
    ask = staff_client.post(url, {"action": "cancel_sessions", ACTION_CHECKBOX_NAME: [session.pk]})
    assert b"Reason" in ask.content
    assert b'value="Cancel these sessions"' in ask.content
    staff_client.post(
        url,
        {
            "action": "cancel_sessions",
            ACTION_CHECKBOX_NAME: [session.pk],
            "apply": "1",
            "reason": "Speaker ill.",
        },
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancellation_reason == "Speaker ill."
    assert session.sequence == 1


def test_duplicate_as_next_session_opens_the_copy(staff_client, make_session):
    session = make_session(number=8, title="Raft", papers=2)
    response = staff_client.post(
        "/admin/meetups/session/",
        {"action": "duplicate_as_next", ACTION_CHECKBOX_NAME: [session.pk]},
    )
    copy = Session.objects.get(number=9)
    assert response.headers["Location"] == f"/admin/meetups/session/{copy.pk}/change/"
    assert copy.title == "Raft" and copy.published_at is None
    assert copy.starts_at > session.starts_at


@pytest.mark.parametrize(
    "url",
    [
        "/admin/meetups/series/",
        "/admin/meetups/series/add/",
        "/admin/meetups/session/",
        "/admin/meetups/session/add/",
        "/admin/meetups/paper/",
        "/admin/meetups/paper/add/",
        "/admin/meetups/session/?when=upcoming&status__exact=cancelled",
        "/admin/meetups/session/?when=past&status=draft",
        "/admin/meetups/session/?q=raft",
    ],
)
def test_admin_pages_render(staff_client, make_session, url):
    session = make_session(number=1, papers=2)
    make_session(number=2, days=-7).cancel(reason="Holiday.")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(f"/admin/meetups/session/{session.pk}/change/").status_code == 200
    assert staff_client.get(f"/admin/meetups/series/{session.series_id}/change/").status_code == 200


def test_upcoming_past_filter(staff_client, make_session):
    make_session(number=1, days=-10, title="Old one")
    make_session(number=2, days=10, title="New one")
    upcoming = staff_client.get("/admin/meetups/session/?when=upcoming").content.decode()
    past = staff_client.get("/admin/meetups/session/?when=past").content.decode()
    assert "New one" in upcoming and "Old one" not in upcoming
    assert "Old one" in past and "New one" not in past


def test_missing_session_import_page_redirects_to_the_admin(staff_client, db):
    response = staff_client.get("/admin/meetups/session/999/paste-citations/", follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "doesn’t exist" in response.content.decode()


def test_import_page_needs_a_login(client, make_session):
    session = make_session(number=1)
    response = client.post(
        f"/admin/meetups/session/{session.pk}/paste-citations/", {"citations": "10.1145/1"}
    )
    assert response.status_code == 302 and "/admin/login/" in response.headers["Location"]
    assert Paper.objects.count() == 0


def test_the_slug_help_shows_the_address_pattern(staff_client):
    # The admin renders help text as HTML: what the organizer reads is the text left by tags.
    page = staff_client.get("/admin/meetups/series/add/").text
    assert "/club/<slug>/" in html.unescape(strip_tags(page))


def _admin_css(name: str) -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find(f"admin/css/{name}"), encoding="utf-8") as stylesheet:
        return stylesheet.read()


@pytest.mark.parametrize(
    "page", ["announce", "session-citations", "library-citations", "schedule", "cancel"]
)
def test_the_clubs_own_admin_pages_use_the_admins_breadcrumb_bar_and_buttons(
    staff_client, make_session, page
):
    session = make_session(number=8)
    if page == "schedule":
        response = staff_client.post(
            "/admin/meetups/series/",
            {"action": "schedule_sessions", ACTION_CHECKBOX_NAME: [session.series.pk]},
        )
    elif page == "cancel":
        response = staff_client.post(
            "/admin/meetups/session/",
            {"action": "cancel_sessions", ACTION_CHECKBOX_NAME: [session.pk]},
        )
    else:
        response = staff_client.get(
            {
                "announce": f"/admin/meetups/session/{session.pk}/announce/",
                "session-citations": f"/admin/meetups/session/{session.pk}/paste-citations/",
                "library-citations": "/admin/meetups/paper/paste-citations/",
            }[page]
        )
    html = response.content.decode()

    # The admin's stylesheet draws only these as the dark breadcrumb bar and a grey
    # "Back" button; the old <div class="breadcrumbs"> and .cancel-link stayed unstyled.
    assert "ol.breadcrumbs {" in _admin_css("base.css")
    assert ".submit-row a.closelink {" in _admin_css("forms.css")
    trail = re.search(r'<ol class="breadcrumbs">(.*?)</ol>', html, re.DOTALL)
    assert trail and trail[1].count('aria-current="page"') == 1
    assert 'class="closelink">Back</a>' in html
    assert re.search(r'<link rel="stylesheet" href="[^"]*admin/css/forms\.css"', html)
