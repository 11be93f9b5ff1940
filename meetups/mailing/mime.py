"""
Building the club's emails as MIME messages: the list headers of RFC 2369 and
one-click unsubscribe of RFC 8058 in every one, each recipient's links filled
into the content of `meetups.mailing.content`, and the session's calendar
attached.

For sending one announcement to a whole list, `AnnouncementMailing` serializes
the MIME message once and splices each recipient's address and links into
those bytes: building a MIME message with the standard library takes
milliseconds, splicing takes microseconds.
"""

import binascii
import email.message
import email.policy
import email.utils
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.core.mail.utils import DNS_NAME

from meetups.calendars import attendee_line, invitation_method, session_invitation
from meetups.mailing import tokens, vote_links
from meetups.mailing.content import (
    MANAGE_URL,
    RSVP_URL,
    UNSUBSCRIBE_URL,
    EmailContent,
    calendar_filename,
    confirmation_content,
)
from meetups.models import Series, Session, Subscription
from portal.links import absolute_url


class ClubEmail(EmailMultiAlternatives):
    """
    An email whose header lines may run to RFC 5322's 998 characters. Folded at
    78, a List-Unsubscribe URL (which has no space to fold at) would become an
    encoded word that no mail client can follow. Bodies are encoded before this
    applies, so their lines stay short.
    """

    def message(self, *, policy=email.policy.default):
        message = super().message(policy=policy)
        message.policy = policy.clone(max_line_length=998)
        return message


def list_id(series: Series) -> str:
    """RFC 2919 List-Id: “Distributed Systems Paper Club <distributed-systems.club.example.org>”."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    name = series.name.replace('"', "'").replace("<", "(").replace(">", ")")
    return f'"{name}" <{series.slug}.club.{host}>'


def list_headers(
    *, series: Series, subscription_id: int | None, bulk: bool = False
) -> dict[str, str]:
    """
    The headers of every club email: RFC 2369 list headers with RFC 8058's
    one-click unsubscribe (from the list `subscription_id` is on), and RFC 3834's
    Auto-Submitted, so that vacation responders stay silent. `bulk` (announcements,
    reminders, notices: the same email to a whole list) adds Precedence: bulk, which
    mail servers and filters read the same way.
    """
    bulk_headers = {"Precedence": "bulk"} if bulk else {}
    return {
        "Auto-Submitted": "auto-generated",
        **bulk_headers,
        "List-Id": list_id(series),
        "List-Unsubscribe": f"<{_unsubscribe_url(series=series, subscription_id=subscription_id)}>",
        # RFC 8058: mail clients POST this body to the link above, without cookies.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Archive": f"<{absolute_url(series.get_absolute_url())}>",
    }


def _unsubscribe_url(*, series: Series, subscription_id: int | None) -> str:
    # A copy to someone on no list (the organizer's test, an RSVP without a subscription)
    # has nothing to unsubscribe from: the link leads to the series page instead.
    if subscription_id is None:
        return absolute_url(series.get_absolute_url())
    return tokens.unsubscribe_url(subscription_id=subscription_id)


def links_for(
    *,
    series: Series,
    subscription_id: int | None = None,
    attendance_id: int | None = None,
    attendance_token: str = "",
    session_id: int | None = None,
) -> dict[str, str]:
    """
    One recipient's own links, by placeholder: of the subscription it is on the list
    for, or else of its RSVP (`attendance_id`, `attendance_token`). The “I'm coming”
    link of `session_id` is the subscriber's signed one, or the RSVP's own page.
    """
    series_url = absolute_url(series.get_absolute_url())
    links = {MANAGE_URL: series_url, UNSUBSCRIBE_URL: series_url, RSVP_URL: series_url}
    if attendance_id is not None:
        links[MANAGE_URL] = tokens.manage_url(attendance_id=attendance_id)
        links[RSVP_URL] = tokens.rsvp_url(token=attendance_token)
    if subscription_id is not None:
        links[MANAGE_URL] = tokens.manage_url(subscription_id=subscription_id)
        links[UNSUBSCRIBE_URL] = tokens.unsubscribe_url(subscription_id=subscription_id)
        if session_id is not None and attendance_id is None:
            links[RSVP_URL] = tokens.rsvp_from_announcement_url(
                subscription_id=subscription_id, session_id=session_id
            )
    return links


def fill(text: str, links: dict[str, str]) -> str:
    for placeholder, url in links.items():
        text = text.replace(placeholder, url)
    return text


def _message(
    *,
    content: EmailContent,
    to: str,
    series: Series,
    links: dict[str, str],
    subscription_id: int | None,
    attachments=(),
    cls=ClubEmail,
    bulk: bool = False,
) -> ClubEmail:
    # An announcement may show suggestions to vote for: each with this recipient's link.
    links = links | vote_links.vote_links_in(content.text, email=to)
    message = cls(
        subject=content.subject,
        body=fill(content.text, links),
        to=[to],
        headers=list_headers(series=series, subscription_id=subscription_id, bulk=bulk),
    )
    message.attach_alternative(fill(content.html, links), "text/html")
    for attachment in attachments:
        message.attach(attachment)
    message.links = links
    return message


# --- confirmation ----------------------------------------------------------------------------


def confirmation_message(subscription: Subscription) -> ClubEmail:
    """The double opt-in email of `subscription`, ready to send."""
    return _message(
        content=confirmation_content(subscription),
        to=subscription.email,
        series=subscription.series,
        links=links_for(series=subscription.series, subscription_id=subscription.pk),
        subscription_id=subscription.pk,
    )


# --- one email to one address -----------------------------------------------------------------


def personal_message(content: EmailContent, *, to: str) -> ClubEmail:
    """
    An email to one address about one thing (a vote, a suggestion, an offer to
    present): no list, so no list headers; the address may follow no series.
    """
    # RFC 3834: vacation responders stay silent, as for every club email.
    message = ClubEmail(
        subject=content.subject,
        body=content.text,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(content.html, "text/html")
    return message


# --- the calendar invitation -----------------------------------------------------------------


def _calendar_part(ics: bytes, *, method: str, filename: str) -> email.message.MIMEPart:
    """
    `ics` as a `text/calendar` part whose `method` parameter repeats the
    calendar's METHOD (RFC 6047 2.4): Outlook recognises an invitation by that
    parameter, Gmail and Apple Mail by the part's type. It is an attachment
    with a file name, so that clients which do not read invitations (and
    people) can still open or import the .ics. Not also inside the
    multipart/alternative, as calendar servers do: Outlook 2007 looks for an
    invitation only there, but newer Outlooks, Gmail and Apple Mail read the
    attachment, and a second copy would show as a second file elsewhere.
    """
    # Quoted-printable lines may be 76 characters long; the library's default allows 78.
    part = email.message.MIMEPart(policy=email.policy.default.clone(max_line_length=76))
    part.set_content(
        ics.decode(),
        subtype="calendar",
        charset="utf-8",
        params={"method": method},
        # Not 8bit: a server without 8BITMIME must be able to carry it too.
        cte="quoted-printable",
        disposition="attachment",
        filename=filename,
    )
    return part


def calendar_attachment(
    session: Session,
    *,
    attendee_email: str | None = None,
    attendee_name: str = "",
    partstat: str = "NEEDS-ACTION",
) -> email.message.MIMEPart:
    """
    The session's invitation (`text/calendar; method=REQUEST`, or CANCEL once it
    is cancelled) for one message, with `attendee_email` as its ATTENDEE: see
    `meetups.calendars.session_invitation` for what calendar clients do with it.
    """
    method = invitation_method(session)
    ics = session_invitation(
        session,
        attendee_email=attendee_email,
        attendee_name=attendee_name,
        partstat=partstat,
        method=method,
    )
    return _calendar_part(ics, method=method, filename=calendar_filename(session))


class ListInvitation:
    """
    A session's invitation for a whole list, each recipient its ATTENDEE (which
    Google Calendar needs to keep the event updated). Built once with a marker
    line where the ATTENDEE goes; `AnnouncementMailing` splices each
    recipient's line in. The marker is short and ASCII, so quoted-printable
    leaves it whole on a line of its own.
    """

    def __init__(self, session: Session):
        self.session = session
        self.method = invitation_method(session)
        self.marker = f"attendee-{uuid.uuid4().hex}"
        ics = session_invitation(session, method=self.method)
        ics = ics.replace(b"END:VEVENT\r\n", self.marker.encode() + b"\r\nEND:VEVENT\r\n", 1)
        self.template = _calendar_part(ics, method=self.method, filename=calendar_filename(session))

    def part_for(self, email_address: str, *, partstat: str) -> email.message.MIMEPart:
        """One recipient's invitation, built whole (for what cannot be spliced)."""
        return calendar_attachment(self.session, attendee_email=email_address, partstat=partstat)

    def line_for(self, email_address: str, *, partstat: str) -> str:
        return attendee_line(email_address, partstat=partstat)


# --- sending one announcement to a whole list -------------------------------------------------


class _Serialized(email.message.EmailMessage):
    """A message that is already bytes; mail backends only ask it for those."""

    def __init__(self, raw: bytes, policy):
        super().__init__(policy=policy)
        self._raw = raw

    def as_bytes(self, unixfrom=False, policy=None):
        return self._raw

    def as_string(self, unixfrom=False, maxheaderlen=0, policy=None):
        return self._raw.decode("ascii")

    __bytes__ = as_bytes
    __str__ = as_string


class PreparedEmail(ClubEmail):
    """
    One recipient's copy of an announcement. Its fields are those of any email
    (backends that read them work as usual); its serialized form comes from the
    mailing's template instead of being built from scratch.
    """

    mailing: "AnnouncementMailing"

    def message(self, *, policy=email.policy.default):
        if not self.to[0].isascii():
            # An internationalized address needs the library's full treatment (IDNA).
            invitation = self.mailing.invitation
            if invitation is not None:
                self.attachments = [invitation.part_for(self.to[0], partstat=self.partstat)]
            return super().message(policy=policy)
        return _Serialized(self.mailing.serialize(self, policy=policy), policy)


def _quoted_printable(text: str, linesep: bytes) -> bytes:
    """`text` encoded as the library would (lines of at most 76), without its final line break."""
    encoded = binascii.b2a_qp(text.encode(), istext=True).replace(b"\n", linesep)
    # The template keeps the line break that ended the marker.
    return encoded.removesuffix(linesep)


class AnnouncementMailing:
    """
    An announcement's message serialized once, with markers where each
    recipient's address, unsubscribe link, Message-ID, date and bodies go. The
    markers carry a random part, so nothing an organizer types can pass for
    one; they are ASCII and sit in short header lines or in bodies that are
    replaced whole, so no encoding or folding can split them.
    """

    DATE = "Thu, 01 Jan 1970 00:00:00 +0000"

    def __init__(
        self,
        *,
        content: EmailContent,
        series: Series,
        calendar: email.message.MIMEPart | ListInvitation,
        session_id: int | None = None,
    ):
        """
        `calendar`: one part for everyone, or an invitation naming each recipient;
        `session_id`: the session whose “I'm coming” link each copy carries, if any.
        """
        self.content = content
        self.series = series
        self.session_id = session_id
        self.invitation = calendar if isinstance(calendar, ListInvitation) else None
        self.calendar = self.invitation.template if self.invitation else calendar
        nonce = uuid.uuid4().hex
        self.to_marker = f"recipient-{nonce}@placeholder.invalid"
        self.message_id_marker = f"<message-id-{nonce}@placeholder.invalid>"
        self.unsubscribe_marker = f"unsubscribe-{nonce}"
        self.text_marker = f"text-body-{nonce}"
        self.html_marker = f"html-body-{nonce}"
        self._templates: dict[str, list[bytes | str]] = {}

    def message(
        self,
        to: str,
        *,
        subscription_id: int | None = None,
        attendance_id: int | None = None,
        attendance_token: str = "",
        message_id: str | None = None,
        partstat: str = "NEEDS-ACTION",
    ) -> PreparedEmail:
        """
        One recipient's copy, with the links of its subscription or RSVP (neither: a
        copy outside the list); `message_id` gives it a fixed Message-ID (a new one
        otherwise), `partstat` the recipient's PARTSTAT as the invitation's ATTENDEE.
        """
        message = _message(
            content=self.content,
            to=to,
            series=self.series,
            links=links_for(
                series=self.series,
                subscription_id=subscription_id,
                attendance_id=attendance_id,
                attendance_token=attendance_token,
                session_id=self.session_id,
            ),
            subscription_id=subscription_id,
            attachments=[self.calendar],
            cls=PreparedEmail,
            bulk=True,
        )
        if message_id:
            message.extra_headers["Message-ID"] = message_id
        message.mailing = self
        message.partstat = partstat
        return message

    def _template(self, policy) -> list[bytes | str]:
        """The serialized skeleton as literal bytes and the markers between them, in order."""
        key = policy.linesep
        if key not in self._templates:
            skeleton = ClubEmail(
                subject=self.content.subject,
                body=self.text_marker,
                to=[self.to_marker],
                headers={
                    **list_headers(series=self.series, subscription_id=None, bulk=True),
                    "List-Unsubscribe": f"<{self.unsubscribe_marker}>",
                    "Message-ID": self.message_id_marker,
                    "Date": self.DATE,
                },
            )
            skeleton.attach_alternative(self.html_marker, "text/html")
            skeleton.attach(self.calendar)
            message = skeleton.message(policy=policy)
            for part in message.walk():
                if not part.is_multipart() and part.get_payload().strip() in (
                    self.text_marker,
                    self.html_marker,
                ):
                    del part["Content-Transfer-Encoding"]
                    part["Content-Transfer-Encoding"] = "quoted-printable"
            raw = message.as_bytes()
            linesep = policy.linesep.encode()
            # The date is no random string: look for it only as the Date header's value.
            date_at = raw.index(linesep + b"Date: " + self.DATE.encode()) + len(linesep) + 6
            found = [(date_at, self.DATE)]
            for marker in (
                self.to_marker,
                self.message_id_marker,
                self.unsubscribe_marker,
                self.text_marker,
                self.html_marker,
                *([self.invitation.marker] if self.invitation else []),
            ):
                assert raw.count(marker.encode()) == 1, marker
                found.append((raw.index(marker.encode()), marker))
            segments: list[bytes | str] = []
            position = 0
            for index, marker in sorted(found):
                segments += [raw[position:index], marker]
                position = index + len(marker)
            segments.append(raw[position:])
            self._templates[key] = segments
        return self._templates[key]

    def serialize(self, message: PreparedEmail, *, policy) -> bytes:
        """The bytes of `message`: the template with this recipient's parts spliced in."""
        linesep = policy.linesep.encode()
        ((html, _mimetype),) = message.alternatives
        values = {
            self.to_marker: message.to[0].encode(),
            self.message_id_marker: (
                message.extra_headers.get("Message-ID") or make_msgid(domain=DNS_NAME)
            ).encode(),
            self.DATE: email.utils.format_datetime(datetime.now(UTC)).encode(),
            self.unsubscribe_marker: message.links[UNSUBSCRIBE_URL].encode(),
            self.text_marker: _quoted_printable(message.body, linesep),
            self.html_marker: _quoted_printable(html, linesep),
        }
        if self.invitation:
            line = self.invitation.line_for(message.to[0], partstat=message.partstat)
            values[self.invitation.marker] = _quoted_printable(line.replace("\r\n", "\n"), linesep)
        return b"".join(
            values[segment] if isinstance(segment, str) else segment
            for segment in self._template(policy)
        )
