"""Notifications (issue 11) end to end: `parley serve` with a real webhook receiver (and, for
reminders, a real SMTP server) on loopback, killed and restarted on purpose. SQLite by default;
with --database-url (or PARLEY_NOTIFICATIONS_DATABASE_URL) naming a PostgreSQL server, each test
gets a scratch database there."""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "pysupport"))
from parley_process import is_postgres, scratch_database  # noqa: E402
from webhook_receiver import WebhookReceiver  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None,
                     help="postgres://… server to run on (a scratch database per test); SQLite when unset")


@pytest.fixture(scope="session")
def postgres_url(request):
    url = request.config.getoption("--database-url") or os.environ.get("PARLEY_NOTIFICATIONS_DATABASE_URL") or None
    if url and not is_postgres(url):
        raise pytest.UsageError(f"--database-url must be a postgres:// URL: {url}")
    return url


@pytest.fixture
def workdir():
    path = pathlib.Path(tempfile.mkdtemp(prefix="parley-notify-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def database_url(workdir, postgres_url):
    with scratch_database(workdir, postgres_url, prefix="parley_notify") as url:
        yield url


@pytest.fixture
def receiver():
    r = WebhookReceiver()
    yield r
    r.close()


class SMTPSink:
    """aiosmtpd on a free port of 127.0.0.1 (Tests/pysupport/smtp_sink.py), each accepted mail one
    JSON line, parsed by Python's `email` package."""

    def __init__(self, directory):
        self.out = pathlib.Path(directory) / "mail.jsonl"
        script = HERE.parent / "pysupport" / "smtp_sink.py"
        self.process = subprocess.Popen([sys.executable, str(script), "--out", str(self.out)],
                                        stdout=subprocess.PIPE, text=True)
        self.port = int(self.process.stdout.readline())

    def received(self):
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line]

    def close(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def smtp_sink(workdir):
    sink = SMTPSink(workdir)
    yield sink
    sink.close()
