"""
Twenty confirmations at the same moment for five places, as real parallel requests
to the live server: the session's row lock gives out exactly five places.
"""

import re
import threading
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from django.db import connection

from meetups import services
from meetups.enums import AttendanceStatus
from meetups.mailing import tokens
from meetups.models import Attendance

CONCURRENT = 20
PLACES = 5
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.django_db(transaction=True)
def test_twenty_confirmations_at_once_for_five_places_give_five_places_and_a_waitlist(
    live_server, make_session, immediate_tasks
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "parallel requests need a database server: the live server's threads share "
            "SQLite's one writer, which serializes them before any lock is taken; run with "
            "DATABASE_URL=postgres://…"
        )
    session = make_session(number=40, days=5, capacity=PLACES)
    pending = [
        Attendance.objects.create(session=session, email=f"reader{n}@example.org")
        for n in range(CONCURRENT)
    ]
    start = threading.Barrier(CONCURRENT)

    def confirm(attendance):
        # The confirmation page is personal (never cached), so its form carries a CSRF token.
        url = (
            live_server.url
            + urllib.parse.urlsplit(tokens.rsvp_confirm_url(token=attendance.token)).path
        )
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with browser.open(url, timeout=60) as page:
            csrf = CSRF.search(page.read().decode()).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        start.wait()
        with browser.open(request, timeout=60) as response:
            return response.status

    with ThreadPoolExecutor(CONCURRENT) as pool:
        assert set(pool.map(confirm, pending)) == {200}

    assert Attendance.objects.going().count() == PLACES
    waiting = list(Attendance.objects.waiting())
    assert len(waiting) == CONCURRENT - PLACES
    assert [a.waitlist_position() for a in waiting] == list(range(1, len(waiting) + 1))

    # Cancellations promote the first waiting, in the order they joined the queue.
    for going in list(Attendance.objects.going()[:3]):
        services.attendance_cancel(token=going.token)
    assert Attendance.objects.going().count() == PLACES
    promoted = set(Attendance.objects.going().values_list("pk", flat=True))
    assert {a.pk for a in waiting[:3]} <= promoted
    assert [a.pk for a in Attendance.objects.waiting()] == [a.pk for a in waiting[3:]]
    assert Attendance.objects.filter(status=AttendanceStatus.CANCELLED).count() == 3
