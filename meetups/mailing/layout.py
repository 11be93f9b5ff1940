"""
The one look of every email the club sends, and its plain-text twin.

An email is two templates side by side, `meetups/email/<name>.html` extending
`meetups/email/base.html` and `meetups/email/<name>.txt` extending
`meetups/email/base.txt`; `render_email` renders both. The HTML layout is
written with a style sheet like the site's; its rules are then inlined into
style attributes, because Gmail and Outlook drop or ignore much of a <style>
element, while Apple Mail and others keep the rules that cannot be inlined (the
dark scheme, the narrow screen). Outlook's Word engine gets a fixed-width table
around the page. Markdown the organizer wrote comes out styled the same way, and
in the text part as text (the `as_text` filter), never as its source.

Each recipient's own links are placeholders (`MANAGE_URL`, `UNSUBSCRIBE_URL`),
so one rendering serves a whole list; `meetups.mailing.mime` fills them in.
"""

import re
from dataclasses import dataclass

import css_inline
from django.conf import settings
from django.template.loader import render_to_string

from portal.links import absolute_url

MANAGE_URL = "%%MANAGE_URL%%"
UNSUBSCRIBE_URL = "%%UNSUBSCRIBE_URL%%"

# Nothing is fetched while inlining: the layout's styles are all in the template.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


def tidy_text(text: str) -> str:
    """
    A rendered text template without the blank lines its tags leave: no trailing
    spaces (except in the "-- " that starts a signature), at most one empty line
    in a row.
    """
    lines = [line if line == "-- " else line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"


def render_email(*, template: str, subject: str, context: dict) -> EmailContent:
    """
    The email `meetups/email/<template>.{txt,html}` with `context`; the layout
    also gets the subject, the site's name and address, and the recipient's
    manage and unsubscribe links (placeholders) unless `context` sets its own
    (None leaves them out of the footer).
    """
    context = {
        "subject": subject,
        "site_name": settings.SITE_NAME,
        "site_url": absolute_url("/"),
        "manage_url": MANAGE_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        **context,
    }
    text = render_to_string(f"meetups/email/{template}.txt", context)
    html = render_to_string(f"meetups/email/{template}.html", context)
    return EmailContent(subject=subject, text=tidy_text(text), html=_INLINER.inline(html))
