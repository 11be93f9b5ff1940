"""A suggestion's task whose worker died is closed and queued again by the worker's chore."""

from datetime import timedelta

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetups import services
from meetups.enums import SuggestionStatus
from meetups.tasks import process_suggestion_request, send_suggestion_confirmation


def test_suggestion_tasks_whose_worker_died_are_queued_again(settings, series, make_suggestion):
    settings.ANNOUNCEMENT_LEASE_SECONDS = 120
    suggestion = make_suggestion(status=SuggestionStatus.UNCONFIRMED)
    lost = [
        process_suggestion_request.enqueue(
            series.pk, suggestion.paper_id, {}, "", "ada@example.org"
        ),
        send_suggestion_confirmation.enqueue(suggestion.votes.get().pk),
    ]
    fresh = send_suggestion_confirmation.enqueue(suggestion.votes.get().pk)
    for result, ago in [(lost[0], 300), (lost[1], 300), (fresh, 5)]:
        DBTaskResult.objects.filter(pk=result.id).update(
            status="RUNNING",
            started_at=timezone.now() - timedelta(seconds=ago),
            worker_ids=["gone"],
        )

    assert services.suggestion_tasks_recover() == 2

    for result in lost:
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "FAILED" and row.exception_class_path == "portal.worker.WorkerLost"
        (again,) = DBTaskResult.objects.filter(
            status="READY", task_path=row.task_path, args_kwargs=row.args_kwargs
        )
    assert DBTaskResult.objects.get(pk=fresh.id).status == "RUNNING"  # still within its time
    assert services.suggestion_tasks_recover() == 0
