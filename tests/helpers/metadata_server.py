"""
A metadata service on loopback for the paper lookup's tests: a real HTTP server
(http.server in a thread) that answers each path with a stored body, status and
headers, or sleeps past the client's timeout, and records every request it got.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RESPONSES = Path(__file__).resolve().parent.parent / "meetups" / "lookup" / "responses"


def stored(name: str) -> bytes:
    """A stored response body, by its file name under tests/meetups/lookup/responses/."""
    return (RESPONSES / name).read_bytes()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class Request:
    path: str  # unquoted, without the query
    query: dict  # name → first value
    headers: dict


class MetadataServer:
    """Answers registered paths; anything else is a 404 as Crossref words it."""

    def __init__(self):
        self.answers: dict[str, Answer] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                query = {name: values[0] for name, values in parse_qs(parts.query).items()}
                server.requests.append(Request(path, query, dict(self.headers)))
                answer = server.answers.get(path) or Answer(
                    404, b"Resource not found.", "text/plain"
                )
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def answer(self, path: str, body: bytes = b"", **options) -> Answer:
        """Answer GET `path` (unquoted, e.g. "/crossref/works/10.1145/1") with `body`."""
        self.answers[path] = Answer(body=body, **options)
        return self.answers[path]

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
