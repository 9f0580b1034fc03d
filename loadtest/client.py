"""The simulated clients: each a thread with its own keep-alive connection, mixing reads and appends.

A write appends the client's own token to the description of one of a few contested records:
read the record (its ETag and text), PATCH the text plus the token with If-Match, and on 412
read again and retry. Every acknowledged (2xx) append is remembered, so the database can be
checked afterwards for each one.
"""

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field

MAX_ATTEMPTS = 25
TIMEOUT_SECONDS = 30


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    read_from: str = ""  # the database that answered, when the server says (READ_FROM_HEADER)


@dataclass
class Outcome:
    """What one client did: every request timed, every acknowledged append by target."""

    samples: list = field(default_factory=list)
    acknowledged: dict = field(default_factory=dict)  # target url -> [token, ...]
    abandoned: int = 0  # appends given up after MAX_ATTEMPTS answers of 412
    errors: list = field(default_factory=list)


@dataclass
class Workload:
    reads: dict  # kind -> [path, ...]
    targets: list  # detail paths of the contested records
    token: str
    write_share: float
    # Several nodes: each request goes to one at random. Anonymous reads come from many addresses
    # (X-Forwarded-For), as a public site's readers do, so no single reader trips the throttle.
    anonymous_reads: bool = False


class Connection:
    """One keep-alive HTTP connection to 127.0.0.1; reconnects once when the server closed it while idle."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Status, headers (case-insensitive) and body of one request."""
        reused = self.conn is not None
        try:
            return self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
        # The server closed the idle connection before reading the request: send it again, once.
        return self._send(method, path, body, headers)

    def _send(self, method, path, body, headers):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_SECONDS)
        self.conn.request(method, path, body=body, headers=headers or {})
        response = self.conn.getresponse()
        return response.status, response.msg, response.read()

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Client(threading.Thread):
    def __init__(self, number, ports, workload, deadline, seed):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.connections = [Connection(port) for port in ports]
        self.workload = workload
        self.deadline = deadline
        self.random = random.Random(seed)
        self.outcome = Outcome()
        self.headers = {"Authorization": f"Token {workload.token}", "Accept": "application/json"}
        self.sequence = 0

    def timed(self, kind, method, path, body=None, extra=None, headers=None):
        headers = {**(self.headers if headers is None else headers), **(extra or {})}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        connection = self.random.choice(self.connections)
        started = time.perf_counter()
        try:
            status, response_headers, content = connection.request(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.outcome.samples.append(Sample(kind, 0, time.perf_counter() - started))
            self.outcome.errors.append(f"{method} {path}: {type(error).__name__}: {error}")
            connection.close()
            return 0, {}, b""
        read_from = response_headers.get("X-Read-From", "")
        self.outcome.samples.append(Sample(kind, status, time.perf_counter() - started, read_from))
        if status >= 500:
            self.outcome.errors.append(f"{method} {path}: {status} {content[:200]!r}")
        return status, response_headers, content

    def read(self):
        kind = self.random.choice(sorted(self.workload.reads))
        headers = None
        if self.workload.anonymous_reads:
            address = f"10.{self.number % 250}.{self.random.randrange(250)}.{self.random.randrange(1, 250)}"
            headers = {"Accept": "application/json", "X-Forwarded-For": address}
        self.timed(kind, "GET", self.random.choice(self.workload.reads[kind]), headers=headers)

    def append(self):
        target = self.random.choice(self.workload.targets)
        self.sequence += 1
        token = f"c{self.number}s{self.sequence}"
        for _ in range(MAX_ATTEMPTS):
            if time.monotonic() >= self.deadline:
                return
            status, headers, content = self.timed("write: read", "GET", target)
            if status != 200:
                return
            description = json.loads(content)["description"]
            body = {"description": f"{description} {token}".strip()}
            status, _, _ = self.timed("write: PATCH", "PATCH", target, body, {"If-Match": headers["ETag"]})
            if 200 <= status < 300:
                self.outcome.acknowledged.setdefault(target, []).append(token)
                return
            if status != 412:
                return
        self.outcome.abandoned += 1

    def run(self):
        try:
            while time.monotonic() < self.deadline:
                if self.random.random() < self.workload.write_share:
                    self.append()
                else:
                    self.read()
        finally:
            for connection in self.connections:
                connection.close()
