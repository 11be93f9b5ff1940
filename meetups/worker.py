"""
The club's chore in the background worker (`manage.py run_worker`): runs
whose worker died are noticed, their task rows closed, and their work queued
again. Each pass costs a few small queries; it runs twice per lease.
"""

from django.conf import settings

from meetups import services
from portal.worker import Chore, chores


def recover_runs() -> None:
    services.announcement_runs_recover()
    services.subscription_tasks_recover()
    services.suggestion_tasks_recover()
    services.attendance_tasks_recover()


chores.register(
    Chore(
        name="meetups: runs whose worker died",
        run=recover_runs,
        every=lambda: settings.ANNOUNCEMENT_LEASE_SECONDS / 2,
    )
)
