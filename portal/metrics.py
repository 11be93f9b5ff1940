"""
Prometheus metrics at `/metrics`, when METRICS_ENABLED is set.

Two kinds, so that several gunicorn workers report one truth:
- Counters of what this process did (responses by status, page-cache lookups).
  With several worker processes, set PROMETHEUS_MULTIPROC_DIR to an empty folder
  before they start: prometheus-client keeps each process's counts in a file there
  and a scrape adds them all up, whichever process answers it.
- Gauges read from the database at scrape time (tasks by queue and state, the
  worker's heartbeat, and what apps register, e.g. the club's deliveries by state):
  the same for every process, with nothing to share.

`/metrics` answers only a request with `Authorization: Bearer <METRICS_TOKEN>` or
from an address in METRICS_ALLOWED_IPS.
"""

import hmac
import ipaddress
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db.models import Count, Min
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from portal.client_address import client_ip
from portal.plugins import Registry

RESPONSES = Counter(
    "portal_http_responses",
    "HTTP responses by request method and status code.",
    ["method", "status"],
)
PAGE_CACHE = Counter(
    "portal_page_cache_lookups",
    "Page-cache lookups by result (hit: answered from the cache; miss: rendered).",
    ["result"],
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def record_page_cache(*, hit: bool) -> None:
    """Count one page-cache lookup; the page cache calls this on every lookup."""
    if settings.METRICS_ENABLED:
        PAGE_CACHE.labels(result="hit" if hit else "miss").inc()


class RequestMetricsMiddleware:
    """Counts every response by method and status (outermost, so redirects count too)."""

    def __init__(self, get_response):
        if not settings.METRICS_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        RESPONSES.labels(method=method, status=str(response.status_code)).inc()
        return response


# --- gauges read at scrape time ---------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseGauge:
    """A gauge an app reads from the database at each scrape: `read()` yields (labels, value)."""

    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]]


_gauges = Registry[DatabaseGauge]("metrics", key=lambda gauge: gauge.name)


def register_gauge(
    *,
    name: str,
    documentation: str,
    labels: tuple[str, ...],
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]],
) -> DatabaseGauge:
    """Add a gauge read from the database at scrape time (an app's `metrics.py` calls this)."""
    return _gauges.register(
        DatabaseGauge(name=name, documentation=documentation, labels=labels, read=read)
    )


def _task_gauges(now) -> Iterable[GaugeMetricFamily]:
    from django_tasks_db.models import DBTaskResult

    from portal.health import last_heartbeat

    states = GaugeMetricFamily(
        "portal_tasks",
        "Background tasks in the database by queue and state.",
        labels=["queue", "state"],
    )
    for row in DBTaskResult.objects.values("queue_name", "status").annotate(count=Count("pk")):
        states.add_metric([row["queue_name"], row["status"].lower()], row["count"])
    yield states

    due = (
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(count=Count("pk"), oldest=Min("run_after"))
    )
    depth = GaugeMetricFamily(
        "portal_task_queue_depth", "Tasks due to run and not started yet.", labels=["queue"]
    )
    wait = GaugeMetricFamily(
        "portal_task_queue_oldest_wait_seconds",
        "How long the oldest due task has been waiting for a worker.",
        labels=["queue"],
    )
    for row in due:
        depth.add_metric([row["queue_name"]], row["count"])
        wait.add_metric([row["queue_name"]], max((now - row["oldest"]).total_seconds(), 0))
    yield depth
    yield wait

    last = last_heartbeat()
    heartbeat = GaugeMetricFamily(
        "portal_worker_heartbeat_age_seconds",
        "Seconds since a worker last ran its heartbeat task (absent: never).",
    )
    if last is not None:
        heartbeat.add_metric([], max((now - last).total_seconds(), 0))
    yield heartbeat


class DatabaseCollector:
    """Everything read from the database at scrape time."""

    def collect(self):
        now = timezone.now()
        yield from _task_gauges(now)
        for gauge in _gauges:
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            for labels, value in gauge.read():
                family.add_metric(list(labels), value)
            yield family


class _ThisProcess:
    """The counters of this process only (no PROMETHEUS_MULTIPROC_DIR)."""

    def collect(self):
        return REGISTRY.collect()


def exposition() -> bytes:
    """The metrics in Prometheus's text format."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(DatabaseCollector())
    return generate_latest(registry)


# --- the page -----------------------------------------------------------------------------------


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """METRICS_ALLOWED_IPS as networks; ValueError names an entry that is neither."""
    networks = []
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return networks


def scrape_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in allowed_networks())


@never_cache
@require_safe
def metrics_view(request):
    if not settings.METRICS_ENABLED:
        raise Http404("Metrics are off (METRICS_ENABLED).")
    if not scrape_allowed(request):
        return HttpResponse(
            "Metrics need METRICS_TOKEN as a bearer token or an address in METRICS_ALLOWED_IPS.\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
