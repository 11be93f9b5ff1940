"""
What people do on the site, in a real browser: a visitor reads a post, plays a
recording, searches and subscribes to the club's calendar; an attendee subscribes,
confirms from the email and unsubscribes; the organizer writes a post with the live
preview, pastes a reading list, schedules sessions and announces one, which the
real task worker sends.
"""

import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blog.models import Post
from meetups.enums import AnnouncementStatus, SubscriptionStatus
from meetups.models import Announcement, Series, Session, Subscription
from talks.models import Talk
from tests.browser import mailbox
from tests.helpers.processes import child_env, wait_for
from tests.helpers.worker import Worker

ATTENDEE = "attendee@example.org"


@pytest.fixture(scope="module")
def worker(site):
    """The task worker on the test database, writing its email into the site's mail folder."""
    env = child_env(
        SITE_URL=site.url,
        EMAIL_FILE_PATH=str(site.mail_dir),
        PAPER_LOOKUP="false",
        ANNOUNCEMENT_RETRY_SECONDS="1",
    )
    env.pop("EMAIL_URL", None)
    process = Worker(env, site.var_dir / "worker.log")
    yield process
    process.stop()
    print(f"--- worker log\n{process.log.read_text(errors='replace')[-4000:]}")


@pytest.fixture(scope="module")
def visitor(chromium, site):
    """A visitor's browser that reaches nothing but the site: every other host is refused."""
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    outside = []

    def only_the_site(route):
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_site)
    page = context.new_page()
    page.outside_requests = outside
    yield page
    context.close()


def test_a_visitor_reads_the_newest_post(visitor, site):
    post = Post.objects.published().order_by("-published_at").first()
    visitor.goto(site("/"))
    visitor.get_by_role("link", name=post.title, exact=True).first.click()
    expect(visitor).to_have_url(site(post.get_absolute_url()))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(post.title)
    expect(visitor.locator("article")).to_contain_text(post.summary or post.title)


def test_a_visitor_plays_a_recording_and_nothing_loads_from_the_host_before(visitor, site):
    talk = next(talk for talk in Talk.objects.published() if talk.recording_embed)
    visitor.goto(site(talk.get_absolute_url()))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(talk.title)
    assert visitor.outside_requests == []

    visitor.get_by_role("link", name="Play the recording").click()

    player = visitor.locator("iframe.recording-frame")
    expect(player).to_be_visible()
    expect(player).to_have_attribute("title", f"Recording: {talk.title}")
    source = urlsplit(player.get_attribute("src"))
    assert source.hostname in ("www.youtube-nocookie.com", "player.vimeo.com")
    assert talk.recording_embed.video_id in source.path
    assert any(urlsplit(url).hostname == source.hostname for url in visitor.outside_requests)


def test_a_visitor_searches_from_the_navigation(visitor, site):
    visitor.goto(site("/"))
    visitor.get_by_role("link", name="Search", exact=True).first.click()
    visitor.get_by_role("searchbox").fill("raft")
    visitor.get_by_role("button", name="Search").click()

    expect(visitor).to_have_url(re.compile(r"/search/\?q=raft"))
    expect(visitor.get_by_role("status")).to_contain_text("for “raft”")
    results = visitor.locator(".search-results > li")
    expect(results.first).to_be_visible()
    expect(results.first).to_contain_text(re.compile("raft", re.IGNORECASE))


def test_a_visitor_subscribes_to_the_club_calendar(visitor, site):
    series = Series.objects.filter(sessions__isnull=False).distinct().first()
    visitor.goto(site(series.get_absolute_url()))
    calendar_link = visitor.get_by_role("link", name="calendar.ics")
    webcal = visitor.get_by_role("link", name="subscribe in your calendar app")
    assert webcal.get_attribute("href").startswith("webcal://")

    response = visitor.request.get(site("") + calendar_link.get_attribute("href"))

    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    published = Session.objects.published().filter(series=series)
    assert len(summaries) == published.count()
    assert any(series.name in summary or "Session" in summary for summary in summaries)


def test_an_attendee_subscribes_confirms_from_the_email_and_unsubscribes(chromium, site, worker):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    series = Series.objects.filter(sessions__isnull=False).distinct().first()
    page.goto(site(series.get_absolute_url()))

    form = page.locator("form.subscribe-form")
    form.get_by_role("textbox", name="Email address", exact=True).fill(ATTENDEE)
    form.get_by_role("button", name="Subscribe", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")

    message = mailbox.wait_for_message(site.mail_dir, ATTENDEE)
    confirm = next(link for link in mailbox.links_in(message, site.url) if "/confirm/" in link)
    page.goto(confirm)
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    assert Subscription.objects.get(series=series, email=ATTENDEE).is_confirmed

    page.get_by_role("link", name="Manage your subscriptions").click()
    section = page.get_by_role("region", name=series.name)
    section.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("region", name=series.name)).to_contain_text("unsubscribed")
    subscription = Subscription.objects.get(series=series, email=ATTENDEE)
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    context.close()


@pytest.fixture(scope="module")
def organizer(chromium, site):
    context = chromium.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    site.log_in(page)
    expect(page).to_have_url(site("/admin/"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    yield page
    context.close()


def test_the_organizer_writes_a_post_with_the_live_preview(organizer, site):
    organizer.goto(site("/admin/blog/post/add/"))
    organizer.get_by_label("Title").fill("Notes on Viewstamped Replication")
    body = organizer.locator("textarea[name=body]")
    body.fill("## Why\n\nA **view change** in `VR`:\n\n```python\nview += 1\n```\n")

    preview = organizer.locator(".markdownx-preview")
    expect(preview.get_by_role("heading", name="Why", level=2)).to_be_visible()
    expect(preview.locator("strong")).to_have_text("view change")
    expect(preview.locator("pre")).to_contain_text("view += 1")

    organizer.get_by_role("button", name="Save", exact=True).click()
    expect(organizer.locator(".messagelist")).to_contain_text("was added successfully")
    post = Post.objects.get(title="Notes on Viewstamped Replication")
    assert "<strong>view change</strong>" in post.body_html


def test_the_organizer_pastes_a_reading_list(organizer, site):
    session = Session.objects.published().order_by("-starts_at").first()
    before = session.reading_list.count()
    organizer.goto(site(f"/admin/meetups/session/{session.pk}/change/"))
    organizer.get_by_role("link", name="Paste citations").click()
    organizer.locator("textarea").first.fill(
        "@article{ongaro2014raft,\n  title={In Search of an Understandable Consensus "
        "Algorithm},\n  author={Ongaro, Diego and Ousterhout, John},\n  year={2014}\n}\n\n"
        'Lamport, Leslie. "Paxos Made Simple." ACM SIGACT News 32.4 (2001): 18-25.\n'
    )
    organizer.get_by_role("button", name=re.compile("Add|Paste")).first.click()

    summary = organizer.locator("#paste-summary")
    expect(summary).to_be_visible()
    expect(organizer.locator("#not-understood")).to_have_count(0)
    assert session.reading_list.count() == before + 2 - _already_listed(summary)

    organizer.goto(site(session.get_absolute_url()))
    expect(organizer.locator("main")).to_contain_text("In Search of an Understandable Consensus")


def _already_listed(summary) -> int:
    return summary.get_by_text("already on this reading list").count()


def test_the_organizer_schedules_sessions_and_announces_one(organizer, site, worker):
    series = Series.objects.filter(sessions__isnull=False).distinct().first()
    latest = series.sessions.order_by("-number").first().number
    organizer.goto(site("/admin/meetups/series/"))
    organizer.locator(f"input[name=_selected_action][value='{series.pk}']").check()
    organizer.locator("select[name=action]").select_option("schedule_sessions")
    organizer.get_by_role("button", name="Run").click()
    organizer.get_by_label("How many sessions").fill("2")
    publish = organizer.get_by_label(re.compile("Publish them now"))
    publish.check()
    organizer.locator("input[type=submit][name=apply], button[name=apply]").click()
    expect(organizer.locator(".messagelist")).to_contain_text("scheduled 2 session")
    numbers = list(series.sessions.filter(number__gt=latest).values_list("number", flat=True))
    assert sorted(numbers) == [latest + 1, latest + 2]

    session = series.sessions.get(number=latest + 1)
    subscribers = set(series.subscriptions.confirmed().values_list("email", flat=True))
    organizer.goto(site(f"/admin/meetups/session/{session.pk}/announce/"))
    organizer.get_by_role("button", name=re.compile("Send to all")).click()
    expect(organizer.locator(".messagelist")).to_contain_text("in the background")

    announcement = Announcement.objects.get(session=session)
    wait_for(
        lambda: Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.FINISHED,
        timeout=120,
        what="the worker to finish the announcement",
    )
    arrived = {
        address
        for message in mailbox.messages(site.mail_dir)
        if message["Subject"] == announcement.subject
        for address in re.findall(r"[\w.+-]+@[\w.-]+", str(message["To"]))
    }
    assert arrived == subscribers


@pytest.mark.parametrize("model", ["delivery", "announcement", "subscription"])
def test_the_organizer_sees_every_column_of_the_mailing_lists(organizer, site, model):
    # Every kind of row, whichever tests ran before: one who left, as well as those who stay.
    Subscription.objects.update_or_create(
        series=Series.objects.first(),
        email="left@example.org",
        defaults={
            "status": SubscriptionStatus.UNSUBSCRIBED,
            "confirmed_at": timezone.now(),
            "unsubscribed_at": timezone.now(),
        },
    )
    organizer.goto(site(f"/admin/meetups/{model}/"))
    table = organizer.locator("#result_list")
    expect(table.locator("tbody tr").first).to_be_visible()
    right_edge = organizer.evaluate(
        "() => Math.max(...[...document.querySelectorAll('#result_list th, #result_list td')]"
        ".map(cell => cell.getBoundingClientRect().right))"
    )
    assert right_edge <= 1366, f"the {model} list ends at {right_edge:.0f} px, past the screen"
