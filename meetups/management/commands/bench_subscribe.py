"""
Benchmark: does the subscribe form answer in the same time whatever the
address? Posts the form through the whole Django stack (middleware, form,
view, the request queued for the worker) for addresses that are new, pending,
confirmed and unsubscribed, interleaved in random order, and prints the
median and 95th percentile per kind, the spread between the medians and the
queries each kind cost.

It runs on the configured database in a transaction that is rolled back:
nothing is left behind and nothing is sent (the queued requests go too).
"""

import random
import statistics
import time
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

KINDS = ("new", "pending", "confirmed", "unsubscribed")


class Command(BaseCommand):
    help = (
        "Time the subscribe form's answer for new, pending, confirmed and unsubscribed "
        "addresses (rolled back afterwards)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=300, help="Requests per kind.")

    def handle(self, *args, rounds, **options):
        from django.tasks import default_task_backend
        from django_tasks_db.backend import DatabaseBackend

        if rounds < 10:
            raise CommandError("--rounds must be at least 10.")
        if not isinstance(default_task_backend, DatabaseBackend):
            self.stderr.write("Note: the task backend is not the database one; tasks run inline.")
        with transaction.atomic():
            timings, queries = self.measure(rounds)
            transaction.set_rollback(True)
        cache.clear()  # the rate-limit counters of the made-up clients

        self.stdout.write(
            f"Subscribe form, {rounds} requests per kind of address, on {connection.vendor}:"
        )
        medians = {}
        for kind in KINDS:
            values = sorted(timings[kind])
            medians[kind] = statistics.median(values)
            p95 = values[int(len(values) * 0.95) - 1]
            self.stdout.write(
                f"  {kind + ':':<14} median {medians[kind]:.2f} ms   p95 {p95:.2f} ms   "
                f"{queries[kind]} queries"
            )
        spread = max(medians.values()) - min(medians.values())
        self.stdout.write(
            f"  spread of the medians: {spread:.2f} ms "
            f"({spread / min(medians.values()):.0%} of the fastest)"
        )
        if len(set(queries.values())) != 1:
            raise CommandError("The kinds of address cost different numbers of queries.")

    def measure(self, rounds: int):
        from meetups.enums import SubscriptionStatus
        from meetups.models import Series, Subscription

        series = Series.objects.create(name="Benchmark Paper Club", slug="bench-subscribe")
        now = timezone.now()
        states = {
            "pending": {"status": SubscriptionStatus.PENDING},
            "confirmed": {"status": SubscriptionStatus.CONFIRMED, "confirmed_at": now},
            "unsubscribed": {"status": SubscriptionStatus.UNSUBSCRIBED, "unsubscribed_at": now},
        }
        Subscription.objects.bulk_create(
            Subscription(series=series, email=f"{kind}{n}@example.org", **fields)
            for kind, fields in states.items()
            for n in range(rounds + 20)
        )
        url = f"/club/{series.slug}/subscribe/"
        host = urlsplit(settings.SITE_URL).netloc
        order = [(kind, n) for kind in KINDS for n in range(rounds + 20)]
        random.shuffle(order)
        timings = defaultdict(list)
        queries = {}
        seen = defaultdict(int)
        for number, (kind, n) in enumerate(order):
            # A different client address each time: the per-client limit is not measured.
            client = Client(
                HTTP_HOST=host,
                REMOTE_ADDR=f"10.{number // 65536}.{number // 256 % 256}.{number % 256}",
            )
            data = {"email": f"{kind}{n}@example.org", "website": ""}
            seen[kind] += 1
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(url, data)
                elapsed = time.perf_counter() - started
            if response.status_code != 302:
                raise CommandError(f"Unexpected answer {response.status_code} for {kind}.")
            if seen[kind] > 20:  # the first ones warm up caches and code paths
                timings[kind].append(elapsed * 1000)
                queries[kind] = len(captured)
        return timings, queries
