"""A real HTTP server on 127.0.0.1 that serves the agency-watch samples as the publishers would:
the sample's headers, an ETag and Last-Modified with 304 answers to conditional requests, and
faults on demand (a 500, a stall past the client's timeout, a body cut short)."""

import hashlib
import json
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "timeline" / "watch" / "samples"
LAST_MODIFIED = formatdate(1700542800, usegmt=True)


class SampleServer:
    """``faults[path]`` is a list of what the next requests of that path get: "500", "stall", "truncate"."""

    def __init__(self, directory=SAMPLES):
        self.directory = Path(directory)
        self.manifest = json.loads((self.directory / "manifest.json").read_text())["responses"]
        self.overrides = {}  # path -> bytes, to serve a changed release
        self.faults = {}
        self.requests = []  # (path, headers) of every request, in order
        self.stall_seconds = 2.0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, dict(self.headers)))
                fault = server.faults.get(self.path, [None]).pop(0) if server.faults.get(self.path) else None
                entry = server.manifest.get(self.path)
                if entry is None:
                    self.send_error(404)
                    return
                if fault == "500":
                    self.send_error(500, "Internal Server Error")
                    return
                if fault == "stall":
                    time.sleep(server.stall_seconds)
                body = server.overrides.get(self.path) or (server.directory / entry["file"]).read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                for name, value in entry.get("headers", {}).items():
                    self.send_header(name, value)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if fault == "truncate":
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def paths(self):
        return [path for path, _ in self.requests]
