"""
An aiosmtpd handler that keeps every message it accepts and can be told to
misbehave: refuse a recipient with 4xx a few times, or with 5xx always, fail
DATA with 4xx, or drop the connection in the middle of a message.
"""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    def __init__(self, *, delay: float = 0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.messages = []  # email.message.EmailMessage, in arrival order
        self.connections = 0
        self.refuse_temporarily = Counter()  # address -> how many more 4xx replies at RCPT
        self.refuse_permanently = set()  # addresses always refused with 550
        self.fail_data_temporarily = Counter()  # address -> how many more 451 at DATA
        self.drop_connection_at = Counter()  # address -> how many more drops mid-DATA

    # --- what arrived ---

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for message in self.messages for address in message.envelope_to]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    # --- the SMTP conversation ---

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        with self.lock:
            self.connections += 1
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.refuse_permanently:
                return "550 5.1.1 No such mailbox"
            if self.refuse_temporarily[address] > 0:
                self.refuse_temporarily[address] -= 1
                return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                if self.drop_connection_at[address] > 0:
                    self.drop_connection_at[address] -= 1
                    server.transport.close()
                    return "421 4.4.2 Connection dropped"
                if self.fail_data_temporarily[address] > 0:
                    self.fail_data_temporarily[address] -= 1
                    return "451 4.3.0 Temporary trouble, try later"
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        # Keep the envelope recipients beside the parsed message.
        message.envelope_to = list(envelope.rcpt_tos)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"
