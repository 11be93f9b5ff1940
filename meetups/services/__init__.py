"""
Writes with side effects for the paper club, one module per area; the public
names are re-exported here, so callers say `services.subscription_request(...)`.
"""

from meetups.services.announcements import (
    NothingToAnnounce,
    Recipient,
    announcement_create,
    announcement_preview,
    announcement_resume,
    announcement_runs_recover,
    announcement_send_test,
    reminders_send_due,
    subscriber_recipients,
)
from meetups.services.citations import CitationsImportResult, papers_import_citations
from meetups.services.papers import (
    BibtexImportResult,
    PaperDraft,
    paper_add,
    paper_find_existing,
    paper_from_citation,
    paper_get_or_create,
    reading_list_add,
    reading_list_import_bibtex,
    reading_list_set,
)
from meetups.services.scheduling import (
    next_cadence_dates,
    session_duplicate_as_next,
    session_schedule_next,
)
from meetups.services.subscriptions import (
    ConfirmOutcome,
    SubscribeOutcome,
    subscription_confirm,
    subscription_request,
    subscription_request_process,
    subscription_resubscribe,
    subscription_send_confirmation,
    subscription_tasks_recover,
    subscription_unsubscribe,
)

__all__ = [
    "BibtexImportResult",
    "CitationsImportResult",
    "ConfirmOutcome",
    "NothingToAnnounce",
    "PaperDraft",
    "Recipient",
    "SubscribeOutcome",
    "announcement_create",
    "announcement_preview",
    "announcement_resume",
    "announcement_runs_recover",
    "announcement_send_test",
    "next_cadence_dates",
    "paper_add",
    "paper_find_existing",
    "paper_from_citation",
    "papers_import_citations",
    "paper_get_or_create",
    "reading_list_add",
    "reading_list_import_bibtex",
    "reading_list_set",
    "reminders_send_due",
    "session_duplicate_as_next",
    "session_schedule_next",
    "subscriber_recipients",
    "subscription_confirm",
    "subscription_request",
    "subscription_request_process",
    "subscription_resubscribe",
    "subscription_send_confirmation",
    "subscription_tasks_recover",
    "subscription_unsubscribe",
]
