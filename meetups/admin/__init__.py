"""
The club's admin, one module per area; importing them registers their model admins.
"""

from meetups.admin import (
    attendance,
    mailing,
    papers,
    presenters,
    rounds,
    series,
    session,
    suggestions,
)

__all__ = [
    "attendance",
    "mailing",
    "papers",
    "presenters",
    "rounds",
    "series",
    "session",
    "suggestions",
]
