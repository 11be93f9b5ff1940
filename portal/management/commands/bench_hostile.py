"""
Hostile requests against a running server, to count its server errors: thousands
of requests made of what scanners and broken clients send (long numbers, NUL,
invalid UTF-8 on the wire, forms in other charsets, huge headers, bodies declared
100 MB, methods the site does not speak), over every public URL pattern filled
with real values read from the server's own sitemap. Prints the answers by status
and the first requests answered 500 or more. Loopback only: it is a load test.

    manage.py bench_hostile --url http://127.0.0.1:8000 --requests 5000 --concurrency 8
"""

import collections
import http.client
import ipaddress
import itertools
import random
import re
import socket
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.urls import Resolver404, resolve

from portal.routes import fill, public_patterns

PATH_VALUES = [
    "no-such-thing",
    "a" * 5000,
    "9" * 5000,
    "0",
    "-1",
    "99999999999999999999",
    "%00",
    "..%2F..%2Fportal%2Fsettings.py",
    "%FF%FE",
    b"\xff\xfe",  # raw bytes on the request line, not percent-encoded
    b"\xc3",
    quote("<script>alert(1)</script>"),
    "x%0D%0ASet-Cookie:%20a=b",
]
QUERIES = [
    "page=" + "9" * 5000,
    "page=abc",
    "page=%00",
    "page=" + quote("١٢"),
    b"page=\xff",
    b"q=\xff\xfe",
    "q=" + "x" * 10_000,
    "q=" + quote("raft NEAR/2 paxos"),
    "q=" + quote("' OR 1=1 --"),
    "tag=%00&kind=%3Cx%3E",
]
HEADERS = [
    {"Cookie": "sessionid=" + "x" * 4000},
    {"Cookie": "sessionid=%00; csrftoken=<>; =; ;;"},
    {"If-Modified-Since": "Mon, 01 Jan 0001 00:00:00 GMT"},
    {"If-None-Match": '"' + "x" * 5000},
    {"Accept-Language": "x" * 5000},
    {"X-Forwarded-For": "<x>, %00, " + "1" * 3000},
    {"Range": "bytes=9999999999999999999-"},
    {"User-Agent": "x" * 100_000},  # past what the server reads in one header
    {"Host": "evil.example"},
]
CHARSETS = ["utf-16", "utf-32", "latin-1"]
METHODS = ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]
HUNDRED_MEGABYTES = 100 * 1024 * 1024


class Command(BaseCommand):
    help = "Fire hostile requests at a running server on 127.0.0.1 and count its server errors."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--requests", type=int, default=5000)
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument("--timeout", type=float, default=30.0)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, url, requests, concurrency, timeout, seed, **options):
        address = urlsplit(url)
        host, port = address.hostname or "", address.port or 80
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if address.scheme != "http" or not loopback:
            raise CommandError(f"{url}: a load test runs against http://127.0.0.1 only.")
        self.host, self.port, self.timeout = host, port, timeout

        cookie, token = self._csrf(host, port)
        paths = self._real_paths()
        self.stdout.write(f"{len(paths)} URL patterns filled with real values from the sitemap")
        randomly = random.Random(seed)
        kinds = {
            "path values": self._path_value,
            "queries": self._query,
            "headers": self._header,
            "forms in other charsets": lambda r, paths: self._charset_form(r, paths, cookie, token),
            "bodies declared 100 MB": lambda r, paths: self._huge_body(r, paths, cookie),
            "other methods": self._method,
            "garbage bodies": self._garbage_body,
        }
        chosen = [randomly.choice(list(kinds)) for _ in range(requests)]
        batch = [kinds[kind](randomly, paths) for kind in chosen]

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            answers = list(pool.map(self._send, batch))
        elapsed = time.monotonic() - started

        self.stdout.write(
            f"{len(batch)} requests in {elapsed:.1f} s ({len(batch) / elapsed:.0f}/s), "
            f"{concurrency} at a time"
        )
        for kind in kinds:
            statuses = collections.Counter(
                status for (status, _), other in zip(answers, chosen, strict=True) if other == kind
            )
            counts = ", ".join(
                f"{status}: {count}"
                for status, count in sorted(statuses.items(), key=lambda item: str(item[0]))
            )
            self.stdout.write(f"  {kind} ({statuses.total()}): {counts}")
        errors = [
            (status, request)
            for (status, _), request in zip(answers, batch, strict=True)
            if not isinstance(status, int) or status >= 500
        ]
        slowest = max(seconds for _, seconds in answers)
        self.stdout.write(f"slowest answer: {slowest:.2f} s")
        self.stdout.write(f"responses >= 500 or no answer: {len(errors)}")
        for status, request in errors[:10]:
            self.stdout.write(f"  {status}: {request[:200]!r}")

    # --- what is sent ------------------------------------------------------------------

    def _real_paths(self) -> dict[str, list[str]]:
        """Every public pattern with real values: from the sitemap's pages, by parameter."""
        values = collections.defaultdict(set)
        for path in self._sitemap_paths():
            try:
                match = resolve(path)
            except Resolver404:
                continue
            for param, value in match.kwargs.items():
                values[param].add(quote(str(value)))
        values["token"].add("garbage:1abc:AAAA")
        values["path"].add("no-such-upload.pdf")
        paths = {}
        for _name, format_string, params in public_patterns():
            if all(values[param] for param in params):
                paths[format_string] = [
                    fill(format_string, params, dict(zip(params, combination, strict=True)))
                    for combination in itertools.islice(
                        itertools.product(*(sorted(values[param]) for param in params)), 5
                    )
                ]
        return paths

    def _sitemap_paths(self) -> list[str]:
        status, body = self._fetch("GET", "/sitemap.xml")
        if status != 200:
            raise CommandError(f"/sitemap.xml answered {status}: is the server running?")
        locations = ET.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
        return [urlsplit(location.text).path for location in locations]

    def _csrf(self, host, port) -> tuple[str, str]:
        """The CSRF cookie and form token a browser gets from the admin login page."""
        connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        connection.request("GET", "/admin/login/")
        response = connection.getresponse()
        page = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        connection.close()
        return (cookie.group(1) if cookie else ""), (token.group(1) if token else "")

    def _path_value(self, randomly, paths) -> bytes:
        format_string = randomly.choice([f for f in paths if "%(" in f] or list(paths))
        path = randomly.choice(paths[format_string])
        segments = path.strip("/").split("/")
        value = randomly.choice(PATH_VALUES)
        index = randomly.randrange(len(segments))
        encoded = [segment.encode() for segment in segments]
        encoded[index] = value if isinstance(value, bytes) else value.encode()
        return _request("GET", b"/" + b"/".join(encoded) + b"/")

    def _query(self, randomly, paths) -> bytes:
        path = randomly.choice(randomly.choice(list(paths.values())))
        query = randomly.choice(QUERIES)
        return _request(
            "GET", path.encode() + b"?" + (query if isinstance(query, bytes) else query.encode())
        )

    def _header(self, randomly, paths) -> bytes:
        path = randomly.choice(randomly.choice(list(paths.values())))
        return _request("GET", path.encode(), randomly.choice(HEADERS))

    def _forms(self, paths) -> list[str]:
        forms = [
            path
            for format_string, found in paths.items()
            for path in found
            if "subscri" in format_string
        ]
        return [*forms, "/admin/login/"]

    def _charset_form(self, randomly, paths, cookie, token) -> bytes:
        charset = randomly.choice(CHARSETS)
        body = f"csrfmiddlewaretoken={token}&email=a%40example.org&username=a&password=b"
        return _request(
            "POST",
            randomly.choice(self._forms(paths)).encode(),
            {
                "Cookie": f"csrftoken={cookie}",
                "Origin": f"http://{self.host}:{self.port}",
                "Referer": f"http://{self.host}:{self.port}/admin/login/",
                "Content-Type": f"application/x-www-form-urlencoded; charset={charset}",
            },
            body.encode(charset),
        )

    def _huge_body(self, randomly, paths, cookie) -> bytes:
        # Declares 100 MB and sends a few bytes of it, as a browser past the CSRF check
        # would: an answer without a 400 for the missing rest means it was refused unread.
        return _request(
            "POST",
            randomly.choice(self._forms(paths)).encode(),
            {
                "Cookie": f"csrftoken={cookie}",
                "Origin": f"http://{self.host}:{self.port}",
                "Content-Type": "multipart/form-data; boundary=x",
                "Content-Length": str(HUNDRED_MEGABYTES),
            },
            b"--x\r\n" + b"x" * 1000,
            declared_length=True,
        )

    def _method(self, randomly, paths) -> bytes:
        path = randomly.choice(randomly.choice(list(paths.values())))
        return _request(randomly.choice(METHODS), path.encode())

    def _garbage_body(self, randomly, paths) -> bytes:
        content_type = randomly.choice(
            [
                "multipart/form-data",
                "multipart/form-data; boundary=",
                "application/x-www-form-urlencoded",
                "a/b;;;=",
            ]
        )
        body = bytes(randomly.randrange(256) for _ in range(randomly.randrange(1, 2000)))
        length = randomly.choice([str(len(body)), "abc", "-1", "9" * 30])
        return _request(
            "POST",
            randomly.choice(self._forms(paths)).encode(),
            {"Content-Type": content_type, "Content-Length": length},
            body,
            declared_length=True,
        )

    # --- the wire ------------------------------------------------------------------------

    def _fetch(self, method: str, path: str) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        connection.request(method, path)
        response = connection.getresponse()
        answer = response.status, response.read()
        connection.close()
        return answer

    def _send(self, request: bytes) -> tuple[int | str, float]:
        """The status the server answers `request` with (or why there was none), and the time."""
        started = time.monotonic()
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                sock.sendall(request)
                sock.shutdown(socket.SHUT_WR)
                head = b""
                while b"\r\n" not in head:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    head += chunk
        except OSError as error:
            return f"no answer ({type(error).__name__})", time.monotonic() - started
        match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
        return (int(match.group(1)) if match else "no status line"), time.monotonic() - started


def _request(
    method: str, target: bytes, headers=None, body: bytes = b"", *, declared_length=False
) -> bytes:
    """One HTTP/1.1 request as bytes, exactly as given (invalid bytes and all)."""
    headers = {"Host": "127.0.0.1", "Connection": "close", **(headers or {})}
    if body and not declared_length:
        headers["Content-Length"] = str(len(body))
    lines = [method.encode() + b" " + target + b" HTTP/1.1"]
    lines += [f"{name}: {value}".encode("latin-1") for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body
