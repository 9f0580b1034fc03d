"""Throughput of the list mix under gunicorn, driven by a small asyncio HTTP/1.1 client.

Everything stays on 127.0.0.1: gunicorn binds a free loopback port, the client opens
``concurrency`` keep-alive connections and cycles through the mix for ``seconds``, then the
server is stopped. Both the run time and the server start-up are bounded.
"""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Throughput:
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    statuses: dict = field(default_factory=dict)
    workers: int = 0
    threads: int = 0
    concurrency: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None

    @property
    def requests_per_second(self):
        return self.requests / self.seconds if self.seconds else 0.0


def _free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


async def _read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers.get("connection", "").lower() != "close"


async def _client(port, paths, offset, deadline, result, latencies):
    reader = writer = None
    index = offset
    while time.perf_counter() < deadline:
        if writer is None:
            reader, writer = await asyncio.open_connection(HOST, port)
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: application/json\r\n\r\n".encode())
        try:
            status, keep_alive = await _read_response(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            result.errors += 1
            writer.close()
            writer = None
            continue
        latencies.append(time.perf_counter() - started)
        result.requests += 1
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status != 200:
            result.errors += 1
        if not keep_alive:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def _drive(port, paths, seconds, concurrency, result):
    latencies = []
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(_client(port, paths, n, deadline, result, latencies) for n in range(concurrency)))
    result.seconds = time.perf_counter() - started
    if latencies:
        ordered = sorted(latencies)
        result.p50_ms = ordered[len(ordered) // 2] * 1000
        result.p95_ms = ordered[int(len(ordered) * 0.95)] * 1000


def _wait_ready(port, process, timeout=30.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within the start-up timeout")


def measure_throughput(paths, seconds=15.0, concurrency=16, workers=2, threads=4, warmup_seconds=2.0, env=None):
    """Start gunicorn on a loopback port, warm it up, drive ``paths`` for ``seconds``, stop it."""
    port = _free_port()
    server_env = {**os.environ, **(env or {}), "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--worker-class=gthread",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=server_env)
    try:
        _wait_ready(port, process)
        asyncio.run(_drive(port, paths, warmup_seconds, concurrency, Throughput()))
        result = Throughput(workers=workers, threads=threads, concurrency=concurrency)
        asyncio.run(_drive(port, paths, seconds, concurrency, result))
        return result
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
