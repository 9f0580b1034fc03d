"""Sending one signed POST to a receiver safely: no server-side request forgery, bounded in time.

The receiver's host name is resolved once and every address checked; the connection then goes to
the checked address (with the name kept for the Host header and TLS), so a name that resolves
differently a moment later (DNS rebinding) cannot reach an internal service. Redirects are not
followed: a 3xx is a failed attempt. A receiver that trickles its answer is cut off at the deadline.
"""

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

SIGNATURE_HEADER = "X-Timeline-Signature"
TIMESTAMP_HEADER = "X-Timeline-Timestamp"
MAX_RESPONSE_BYTES = 64 * 1024


def _address_allowed(address):
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if settings.NOTIFY_ALLOW_LOOPBACK_URLS:
        # Development and tests: loopback receivers only, never the rest of the private space.
        return ip.is_loopback or ip.is_global
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def url_check(url, resolve=True):
    """Raise ValidationError unless ``url`` may receive webhooks here; return its checked addresses."""
    parts = urlsplit(url)
    allowed_schemes = ("https",) if settings.NOTIFY_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in allowed_schemes:
        raise ValidationError(f"Webhook URLs must use {' or '.join(allowed_schemes)}.", code="scheme")
    if not parts.hostname:
        raise ValidationError("The URL has no host.", code="host")
    if parts.username or parts.password:
        raise ValidationError("The URL must not carry a user name or password.", code="credentials")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise ValidationError("The URL's port is not a number from 1 to 65535.", code="port") from error
    if not resolve:
        return []
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise ValidationError(f"The host {parts.hostname} cannot be resolved.", code="resolve") from error
    addresses = sorted({info[4][0] for info in infos})
    refused = [address for address in addresses if not _address_allowed(address)]
    if refused:
        raise ValidationError(
            f"The host {parts.hostname} resolves to an address webhooks may not reach ({refused[0]}): "
            "private, loopback, link-local and reserved addresses are refused.",
            code="address",
        )
    return addresses


def sign(secret, timestamp, body):
    """HMAC-SHA256 over ``<timestamp>.<body>``, hex; receivers recompute it and compare in constant time."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def encode(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class Outcome:
    status: int | None
    error: str
    duration_ms: int

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300


class _PinnedConnection(http.client.HTTPConnection):
    """Connects to the address ``url_check`` approved, whatever the host name resolves to now."""

    def __init__(self, address, hostname, port, timeout, tls):
        super().__init__(hostname, port, timeout=timeout)
        self.address, self.hostname, self.tls = address, hostname, tls
        self.raw_sock = None

    def connect(self):
        # Kept apart from self.sock, which http.client drops once a closing response has begun.
        self.raw_sock = sock = socket.create_connection((self.address, self.port), self.timeout)
        if self.tls:
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.hostname)
        self.sock = sock


def _cut_off(connection):
    """At the deadline, end the exchange however slowly the receiver trickles its answer."""
    sock = connection.raw_sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def post(url, secret, payload, idempotency_key):
    """POST the signed payload; never raises for the receiver's faults, returns how it went.

    Each socket operation waits at most ``NOTIFY_WEBHOOK_TIMEOUT`` seconds and the whole exchange
    at most twice that.
    """
    started = time.monotonic()
    body = encode(payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "timeline-webhooks/1",
        "Idempotency-Key": idempotency_key,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: f"sha256={sign(secret, timestamp, body)}",
    }
    timeout = settings.NOTIFY_WEBHOOK_TIMEOUT
    status, error = None, ""
    try:
        addresses = url_check(url)
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        connection = _PinnedConnection(
            addresses[0], parts.hostname, parts.port or (443 if tls else 80), timeout=timeout, tls=tls
        )
        watchdog = threading.Timer(2 * timeout, _cut_off, args=[connection])
        watchdog.start()
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            status = response.status
        finally:
            watchdog.cancel()
            connection.close()
        if time.monotonic() - started >= 2 * timeout:
            status, error = None, "the receiver took too long to answer"
        elif 300 <= status < 400:
            error = "redirects are not followed"
        elif not 200 <= status < 300:
            error = f"the receiver answered {status}"
    except ValidationError as refusal:
        status, error = None, refusal.messages[0]
    except (http.client.HTTPException, OSError, ValueError) as failure:
        status, error = None, f"{type(failure).__name__}: {failure}"
    return Outcome(status=status, error=error[:500], duration_ms=int((time.monotonic() - started) * 1000))
