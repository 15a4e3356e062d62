"""An HTTP/1.1 request head read without the email parser.

`BaseHTTPRequestHandler.parse_request` hands the header lines to `email.parser`, which
was half of the server's CPU per ShowModel answer. Requests to this server are plain
`Name: value` lines, so they are split here, with the standard library's limits and
answers: at most 100 lines of at most 64 KiB each (431 beyond), a line that is not a
header is a 400, and `Connection` and `Expect: 100-continue` are honoured as before.
HTTP/0.9 is not spoken: a request line without a version is a 400 with a status line.
"""

from __future__ import annotations

import http.client
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

MAX_LINE = 65536
MAX_HEADERS = 100


class HeadParsingHandler(BaseHTTPRequestHandler):
    raw_requestline: bytes  # set by handle_one_request
    # A refused request line still gets a status line (HTTP/0.9 answers carry none).
    default_request_version = "HTTP/1.0"

    def parse_request(self) -> bool:
        self.command = ""  # set in case the first line is refused
        self.request_version = self.default_request_version
        self.close_connection = True
        line = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = line
        words = line.split()
        if not words:
            return False
        if len(words) != 3 or not self._version(words[2]):
            if len(words) != 3:
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({line!r})")
            return False
        self.command, self.path = words[0], words[1]
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        headers = self._headers()
        if headers is None:
            return False
        self.headers = headers
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        expect = headers.get("Expect", "").lower()
        if expect == "100-continue" and self.request_version >= "HTTP/1.1":
            return self.handle_expect_100()
        return True

    def _version(self, version: str) -> bool:
        number = version.removeprefix("HTTP/").split(".")
        if (
            not version.startswith("HTTP/")
            or len(number) != 2
            or not all(part.isascii() and part.isdigit() and len(part) <= 10 for part in number)
        ):
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
            return False
        major, minor = int(number[0]), int(number[1])
        if major >= 2:
            message = f"Invalid HTTP version ({version.removeprefix('HTTP/')})"
            self.send_error(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, message)
            return False
        if (major, minor) >= (1, 1) and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        self.request_version = version
        return True

    def _headers(self) -> http.client.HTTPMessage | None:
        pairs: list[tuple[str, str]] = []
        for _ in range(MAX_HEADERS + 1):
            raw = self.rfile.readline(MAX_LINE + 1)
            if len(raw) > MAX_LINE:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
                return None
            if raw in (b"\r\n", b"\n", b""):
                message = http.client.HTTPMessage()
                for name, value in pairs:
                    message[name] = value
                return message
            if len(pairs) == MAX_HEADERS:
                break
            text = raw.decode("iso-8859-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and pairs:  # an obsolete folded continuation line
                name, value = pairs[-1]
                pairs[-1] = (name, f"{value} {text.strip()}")
                continue
            name, colon, value = text.partition(":")
            if not colon or not name or name != name.strip():
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad header line ({text[:80]!r})")
                return None
            pairs.append((name, value.strip()))
        self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
        return None

    def handle_expect_100(self) -> bool:
        """`100 Continue` leaves now: the answer buffer is flushed only after the answer."""
        self.send_response_only(HTTPStatus.CONTINUE)
        self.end_headers()
        self.wfile.flush()
        return True
