"""The messages the worker wrote with the file-based email backend, as a mail client reads them."""

import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

from tests.helpers.processes import wait_for

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


def messages(folder: Path) -> list[EmailMessage]:
    """Every message in `folder`, oldest file first."""
    found = []
    for file in sorted(folder.glob("*.log")) if folder.is_dir() else []:
        for raw in file.read_bytes().split(SEPARATOR):
            if raw.strip():
                found.append(email.message_from_bytes(raw, policy=email.policy.default))
    return found


def messages_to(folder: Path, address: str) -> list[EmailMessage]:
    return [message for message in messages(folder) if address in str(message["To"])]


def wait_for_message(folder: Path, address: str, *, timeout: float = 60) -> EmailMessage:
    """The first message to `address`, once the worker has written it."""
    return wait_for(
        lambda: next(iter(messages_to(folder, address)), None),
        timeout=timeout,
        what=f"an email to {address} in {folder}",
    )


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message: EmailMessage, site_url: str) -> list[str]:
    """The site's addresses in the plain-text part, in order."""
    return re.findall(re.escape(site_url) + r"/[^\s<>\"')\]]*", text_of(message))
