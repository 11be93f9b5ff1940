"""
Prometheus metrics at /metrics: off by default, for a token or listed addresses
only, and correct across several gunicorn worker processes.
"""

import importlib
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import override_settings
from django.urls import clear_url_caches
from prometheus_client.parser import text_string_to_metric_families

import portal.urls
from meetups.enums import DeliveryStatus
from meetups.services import announcement_create
from portal.metrics import record_page_cache
from tests.helpers.operator import AppServer, Browser, child_env

TOKEN = "scrape-token-for-tests"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of an exposition, by name and sorted labels (the real parser)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def metrics_on():
    """Metrics on, as when METRICS_ENABLED is set at start: /metrics is then an address."""
    with override_settings(METRICS_ENABLED=True, METRICS_TOKEN=TOKEN, METRICS_ALLOWED_IPS=[]):
        _reload_urls()
        yield
    _reload_urls()


def _reload_urls():
    importlib.reload(portal.urls)
    clear_url_caches()


def scrape(client, **request) -> dict:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **request)
    assert response.status_code == 200, response.content[:300]
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return samples(response.text)


def responses(found: dict, status: str, method: str = "GET") -> float:
    return found.get(("portal_http_responses_total", (("method", method), ("status", status))), 0)


@pytest.mark.django_db
def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_the_view_itself_shows_nothing_while_metrics_are_off(client, metrics_on, settings):
    settings.METRICS_ENABLED = False
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_token_or_an_allowed_address(client, metrics_on, settings):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200

    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "2001:db8::1"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="11.0.0.1").status_code == 403
    # Behind the proxy the address is the one it appended, whatever the client wrote.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "10.0.0.1"}
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxied).status_code == 403
    forwarded = "203.0.113.9, 10.1.1.1"
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR=forwarded, **proxied).status_code == 200


@pytest.mark.django_db
def test_responses_are_counted_by_method_and_status(client, metrics_on):
    before = scrape(client)
    for _ in range(3):
        client.get("/robots.txt")
    client.get("/no-such-page/")
    client.post("/healthz")
    after = scrape(client)

    # The first scrape's own answer is counted too.
    assert responses(after, "200") - responses(before, "200") == 4
    assert responses(after, "404") - responses(before, "404") == 1
    assert responses(after, "405", "POST") - responses(before, "405", "POST") == 1


@pytest.mark.django_db
def test_page_cache_lookups_are_counted(client, metrics_on):
    before = scrape(client)
    record_page_cache(hit=True)
    record_page_cache(hit=True)
    record_page_cache(hit=False)
    after = scrape(client)

    def lookups(found, result):
        return found.get(("portal_page_cache_lookups_total", (("result", result),)), 0)

    assert lookups(after, "hit") - lookups(before, "hit") == 2
    assert lookups(after, "miss") - lookups(before, "miss") == 1


@pytest.mark.django_db
def test_deliveries_and_the_task_queue_are_read_from_the_database(
    client, metrics_on, make_session, make_subscription
):
    for n in range(3):
        make_subscription(f"reader{n}@example.org")
    announcement = announcement_create(session=make_session(number=3))
    announcement.deliveries.filter(pk=announcement.deliveries.order_by("pk").first().pk).update(
        status=DeliveryStatus.SENT
    )

    found = scrape(client)

    assert found[("club_deliveries", (("status", "pending"),))] == 2
    assert found[("club_deliveries", (("status", "sent"),))] == 1
    assert found[("club_deliveries", (("status", "failed"),))] == 0
    assert found[("club_announcements_sending", ())] == 1
    # The announcement's task waits in the queue: no worker runs in this test.
    assert found[("portal_task_queue_depth", (("queue", "default"),))] >= 1
    assert found[("portal_tasks", (("queue", "default"), ("state", "ready")))] >= 1
    assert ("portal_task_queue_oldest_wait_seconds", (("queue", "default"),)) in found


@pytest.mark.django_db(transaction=True)
def test_several_gunicorn_workers_report_one_total(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = child_env(
        METRICS_ENABLED="true", METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(folder)
    )
    server = AppServer(env, tmp_path / "gunicorn.log", workers=2)
    try:

        def fetch(_):
            with urllib.request.urlopen(server.url + "/robots.txt", timeout=30) as response:
                return response.status

        # Which worker takes a request is the kernel's choice: send batches until both
        # have answered some (bounded), so the total below spans two processes.
        sent = 0
        with ThreadPoolExecutor(max_workers=8) as pool:
            while sent < 600:
                assert set(pool.map(fetch, range(60))) == {200}
                sent += 60
                if len(list(folder.glob("counter_*.db"))) >= 2:
                    break
        status, _, text = Browser(server.url).request(
            "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
    finally:
        server.stop()
        print(server.log.read_text(errors="replace")[-2000:])

    assert status == 200
    # Whichever process answered the scrape, it adds up every process's counts.
    assert responses(samples(text), "200") == sent
    processes = {path.name for path in folder.glob("counter_*.db")}
    print(f"counter files: {sorted(processes)}")
    assert len(processes) == 2, f"both workers should have answered some of the {sent} requests"
