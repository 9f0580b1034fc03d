"""A real HTTP receiver on 127.0.0.1 and a real task worker, for the notification tests.

On PostgreSQL the worker is a separate process (``manage.py notify_worker --batch``) against the
test database, so it sees only what the test committed, as in production; its email goes to files
(Django's file backend) that the test reads. On the in-memory SQLite test database, which another
process cannot open, the same command runs in this process and email goes to ``mail.outbox``.
"""

import datetime
import email
import email.header
import http.server
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

ROOT = Path(__file__).resolve().parent.parent


class Receiver:
    """A threading HTTP server that records each POST and answers with the next scripted status."""

    def __init__(self, statuses=(200,), delay=0.0, trickle=False):
        self.requests, self.statuses, self.delay, self.trickle = [], list(statuses), delay, trickle
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": dict(self.headers), "body": body, "path": self.path})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                time.sleep(receiver.delay)
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "1000" if receiver.trickle else "2")
                self.end_headers()
                if receiver.trickle:
                    for _ in range(1000):
                        self.wfile.write(b".")
                        self.wfile.flush()
                        time.sleep(0.05)
                else:
                    self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def payloads(self):
        return [json.loads(request["body"]) for request in self.requests]


def database_url():
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def run_worker(mail_dir, timeout=120):
    """Work the queue until nothing is due: a worker process on PostgreSQL, in process on SQLite."""
    if connection.vendor != "postgresql":
        call_command("notify_worker", "--batch", "--interval", "0", verbosity=0)
        return
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "NOTIFY_WEBHOOK_TIMEOUT": os.environ.get("NOTIFY_WEBHOOK_TIMEOUT", "2"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "notify_worker", "--batch", "--interval", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def sent_emails(mail_dir):
    """(subject, body, recipients) of every email sent so far."""
    if connection.vendor != "postgresql":
        return [(message.subject, message.body, message.to) for message in mail.outbox]
    found = []
    for path in sorted(Path(mail_dir).glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                body = message.get_payload(decode=True).decode()
                found.append(
                    (
                        str(email.header.make_header(email.header.decode_header(message["Subject"]))),
                        body,
                        [message["To"]],
                    )
                )
    return found


def fast_forward(task="delivery_send"):
    """Make every queued run of a task due now, as if its wait (a retry's backoff) had passed."""
    waiting = DBTaskResult.objects.filter(status="READY", task_path=f"timeline.notify.tasks.{task}")
    return waiting.update(run_after=timezone.now() - datetime.timedelta(seconds=1))
