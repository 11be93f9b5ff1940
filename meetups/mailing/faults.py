"""
What an error while sending one message of a mailing means.

Who is to blame for a failure decides what is counted:

- The server's reply about one message (to RCPT or DATA) is that delivery's: a
  5xx fails it at once, a 4xx is retried later with growing delays, and fails
  after ANNOUNCEMENT_MAX_ATTEMPTS. A connection lost (or closed with a 421)
  while a message was being handed over counts as one attempt of that
  message, which may have caused it; the run goes on over a new connection.
- A server that cannot take any message (unreachable, a failed greeting, TLS
  or login, a temporary refusal of the sender) is nobody's delivery's fault:
  the run stops, and the announcement tries again later, the wait doubling
  with each outage in a row (from ANNOUNCEMENT_RETRY_SECONDS, at most two
  hours). The outage is counted once for the run, in the next run's
  `outages`; no delivery's attempts change, so an outage of any length fails
  nobody.
"""

import smtplib
from dataclasses import dataclass


@dataclass(frozen=True)
class SendError:
    temporary: bool
    reason: str
    connection_lost: bool = False
    unexpected: bool = False
    # The server takes no message now: a pause for the whole run, nobody's attempt.
    server_unavailable: bool = False


class ServerUnreachable(Exception):
    """No connection to the mail server could be opened, or it refused to start a session."""


class ServerUnavailable(Exception):
    """The mail server cannot take any message now: the run stops and comes back later."""


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def classify(error: Exception) -> SendError:
    """Whether an error sending one message is worth retrying, whose it is, and what to record."""
    match error:
        case ServerUnreachable():
            return SendError(
                True, f"mail server unreachable: {error}", True, server_unavailable=True
            )
        case smtplib.SMTPRecipientsRefused():
            # One recipient per message: its own reply decides.
            code, reply = next(iter(error.recipients.values()))
            return SendError(
                temporary=code < 500, reason=f"{code} {_text(reply)}", connection_lost=code == 421
            )
        case smtplib.SMTPServerDisconnected():
            return SendError(True, f"connection lost: {error}", connection_lost=True)
        case smtplib.SMTPSenderRefused() if error.smtp_code < 500:
            # MAIL FROM comes before the recipient is named: a refusal there is about the
            # sender, so about every message alike.
            return SendError(
                True,
                f"{error.smtp_code} {_text(error.smtp_error)}",
                connection_lost=error.smtp_code == 421,
                server_unavailable=True,
            )
        case smtplib.SMTPResponseException():
            # 421: the server closes the connection after saying so. Said about one
            # message, it counts as that message's attempt like a connection lost with it
            # (a server that says it about one address every time must not stall the rest).
            return SendError(
                temporary=error.smtp_code < 500,
                reason=f"{error.smtp_code} {_text(error.smtp_error)}",
                connection_lost=error.smtp_code == 421,
            )
        case smtplib.SMTPException() | OSError():
            # Time-outs, resets and other trouble on the way.
            return SendError(True, f"{type(error).__name__}: {error}", connection_lost=True)
        case ValueError():
            # An address the mail library refuses (e.g. a line break in it) stays refused.
            return SendError(False, f"invalid address: {error}")
    return SendError(True, f"{type(error).__name__}: {error}", True, unexpected=True)
