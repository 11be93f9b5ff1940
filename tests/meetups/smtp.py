"""
An aiosmtpd handler that keeps every message it accepts and can be told to
misbehave: refuse a recipient with 4xx a few times, or with 5xx always, fail
DATA with 4xx, drop the connection in the middle of a message, or keep a
message and drop the connection before saying so. `SmtpServer` runs it on a
loopback port and can take it off the network and back (an outage).
"""

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from collections.abc import Sequence


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ArrivedMessages(Sequence):
    """
    The messages a sink accepted, as email.message.EmailMessage objects with
    their `envelope_to`, in arrival order. Parsed when a test reads them, not
    while the server is busy receiving.
    """

    def __init__(self, sink: "SmtpSink"):
        self._sink = sink
        self._parsed = []

    def _all(self) -> list:
        with self._sink.lock:
            for raw, recipients in self._sink._arrived[len(self._parsed) :]:
                message = email.message_from_bytes(raw, policy=email.policy.default)
                message.envelope_to = recipients
                self._parsed.append(message)
            return list(self._parsed)

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return self._sink.count()

    def __eq__(self, other) -> bool:
        return self._all() == list(other)

    def __repr__(self) -> str:
        return repr(self._all())


class SmtpSink:
    def __init__(self, *, delay: float = 0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self._arrived = []  # (raw bytes, envelope recipients), in arrival order
        self.messages = ArrivedMessages(self)
        self.connections = 0
        self.refuse_temporarily = Counter()  # address -> how many more 4xx replies at RCPT
        self.refuse_permanently = set()  # addresses always refused with 550
        self.fail_data_temporarily = Counter()  # address -> how many more 451 at DATA
        self.drop_connection_at = Counter()  # address -> how many more drops mid-DATA
        # address -> how many more times to keep the message but hang up before the 250
        self.drop_after_accepting = Counter()
        # Called with each accepted message's number (1, 2, …), in the server's thread.
        self.on_accept = None

    # --- what arrived ---

    def recipients(self) -> list[str]:
        with self.lock:
            return [address for _, recipients in self._arrived for address in recipients]

    def count(self) -> int:
        with self.lock:
            return len(self._arrived)

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
        with self.lock:
            self._arrived.append((envelope.content, list(envelope.rcpt_tos)))
            number = len(self._arrived)
            hang_up = any(self.drop_after_accepting[a] > 0 for a in envelope.rcpt_tos)
            for address in envelope.rcpt_tos:
                if self.drop_after_accepting[address] > 0:
                    self.drop_after_accepting[address] -= 1
        if self.on_accept is not None:
            self.on_accept(number)
        if hang_up:
            # Kept, but the client never hears so: it cannot tell this from a loss.
            server.transport.close()
        return "250 Message accepted for delivery"


class SmtpServer:
    """The sink on a fixed loopback port, which can be stopped and started again."""

    def __init__(self, handler: SmtpSink | None = None):
        self.handler = handler or SmtpSink()
        self.port = free_port()
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        # A stopped controller cannot start again; a new one takes the same port.
        self._controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
