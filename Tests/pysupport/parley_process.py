"""`parley` on a database the test chooses and keeps, for suites that stop the server or its
database on purpose: a fresh SQLite file or a scratch database on a PostgreSQL server, `parley
serve` that can be killed and started again on it (alone, or several at the same moment), the
maintenance commands (`seed`, `doctor`), a look at the database with `psql`, and a PostgreSQL
server of the test's own (.ci/postgres.sh) that it may stop and start.

Every process started here is stopped by the context manager or method that started it, and at
interpreter exit should a test not get that far."""
import atexit
import contextlib
import glob
import os
import pathlib
import shlex
import signal
import subprocess
import tempfile
import time
import urllib.parse
import uuid

import httpx

from parley_server import ROOT, free_port, parley_binary

_running = set()  # Popen objects of servers not yet stopped


@atexit.register
def _kill_leftovers():
    for process in list(_running):
        process.kill()
        process.wait()


def is_postgres(database_url):
    return bool(database_url) and database_url.startswith(("postgres://", "postgresql://"))


def parley_env(database_url, extra_env=None):
    """The environment a `parley` command runs with: this one, on `database_url`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PARLEY_TEST_DATABASE_URL")}
    env.update(DATABASE_URL=database_url, LOG_LEVEL="info")
    env.update(extra_env or {})
    return env


def run_parley(database_url, *arguments, timeout=120, extra_env=None):
    """Runs `parley ARGUMENTS…` on the database to its end; returns the CompletedProcess (text)."""
    return subprocess.run([str(parley_binary()), *arguments], env=parley_env(database_url, extra_env),
                          capture_output=True, text=True, timeout=timeout)


def seed_conversations(database_url, workdir, pairs):
    """`parley seed --realtime-pairs`: `pairs` conversations, each with an API token for its customer
    and its vendor, without a password check per user. Returns (session id, customer token, vendor
    token) per conversation; the user ids come from the API."""
    tokens = pathlib.Path(workdir) / f"tokens-{uuid.uuid4().hex[:8]}.tsv"
    done = run_parley(database_url, "seed", "--realtime-pairs", str(pairs), "--tokens", str(tokens))
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [line.split("\t") for line in tokens.read_text().splitlines() if line]
    return [(int(session), customer, vendor) for session, customer, vendor in rows]


def psql(database_url, sql, timeout=30):
    """Runs one query with `psql` on a PostgreSQL database; its rows, each a list of strings."""
    assert is_postgres(database_url), database_url
    done = subprocess.run(["psql", "--no-psqlrc", "-X", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t",
                           "-d", database_url, "-c", sql], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr
    return [line.split("\t") for line in done.stdout.splitlines()]


@contextlib.contextmanager
def scratch_database(workdir, postgres_url=None, prefix="parley_crash"):
    """Yields the DATABASE_URL of a database nobody else uses: an SQLite file in `workdir`, or, given
    the URL of a PostgreSQL server, a new database there (as .ci/schemathesis.sh makes one), dropped
    afterwards."""
    if not postgres_url:
        yield f"sqlite://{pathlib.Path(workdir) / 'parley.sqlite'}"
        return
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", f"--maintenance-db={postgres_url}", name], check=True, capture_output=True,
                   timeout=60)
    try:
        # The same server and credentials, another database.
        yield urllib.parse.urlunsplit(urllib.parse.urlsplit(postgres_url)._replace(path="/" + name))
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", f"--maintenance-db={postgres_url}", name],
                       capture_output=True, timeout=60)


class ServeProcess:
    """`parley serve` on one database, started as often as the test likes (on a new port each time,
    or always on `port` when given; `base` says where), killed with SIGKILL, or asked to stop with
    SIGTERM. Its output, every run of it, goes to `log_path`. Several can be started at the same
    moment: `launch()` each, then `wait_until_healthy()` each."""

    def __init__(self, database_url, workdir, extra_env=None, name="serve", port=None):
        self.database_url = database_url
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.env = parley_env(database_url, extra_env)
        self.name = name
        self.log_path = self.workdir / f"{name}.log"
        self.fixed_port = port
        self.process = None
        self.base = None
        self.port = None
        self.starts = 0
        self.log_offset = 0  # where the current run's output begins in the log

    @property
    def pid(self):
        return self.process.pid

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def start(self, timeout=60):
        """Starts the server and returns its base URL once /healthz answers 200."""
        self.launch()
        return self.wait_until_healthy(timeout)

    def launch(self):
        """Starts the server without waiting for it; returns its base URL."""
        assert not self.running, "already running"
        self.starts += 1
        port = self.fixed_port or free_port()
        with open(self.log_path, "a") as log:
            log.write(f"--- start {self.starts} on port {port} ---\n")
            log.flush()
            self.log_offset = log.tell()
            self.process = subprocess.Popen([str(parley_binary()), "serve", "--port", str(port)], cwd=self.workdir,
                                            env=self.env, stdout=log, stderr=subprocess.STDOUT)
        _running.add(self.process)
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        return self.base

    def wait_until_healthy(self, timeout=60):
        """Returns the base URL once /healthz answers 200; fails, naming the exit status and showing
        the log, when the server exits first or is still not healthy after `timeout` seconds (it is
        killed then)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                f"parley serve ({self.name}) exited with {self.process.returncode}:\n" + self.log_tail())
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return self.base
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise AssertionError(f"parley serve ({self.name}) did not answer /healthz within {timeout} s:\n"
                             + self.log_tail())

    def output(self):
        """What the current (or last) run has written so far."""
        try:
            with open(self.log_path, errors="replace") as log:
                log.seek(self.log_offset)
                return log.read()
        except OSError:
            return ""

    def kill(self):
        """SIGKILL, and waits for the process to be gone."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        _running.discard(self.process)

    def terminate(self):
        """SIGTERM, without waiting: the server is to stop gracefully."""
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout):
        """The exit status, or None when the process still runs after `timeout` seconds."""
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        _running.discard(self.process)
        return status

    def stop(self, timeout=30):
        """SIGTERM, then SIGKILL if it is still running after `timeout` seconds; the exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.terminate()
            if self.wait(timeout) is None:
                self.kill()
        _running.discard(self.process)
        return self.process.returncode

    def log_tail(self, lines=60):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# --- A PostgreSQL server of the test's own ---------------------------------------------------------

def _postgres_bin(tool):
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                      key=lambda path: [int(part) for part in path.split("/")[-2].split(".")])
    assert versions, "PostgreSQL is not installed (Debian's postgresql package)"
    return f"{versions[-1]}/{tool}"


def _as_postgres(command, timeout):
    """Runs `command` as the postgres user when we are root, as .ci/postgres.sh does."""
    if os.geteuid() == 0:
        command = ["su", "postgres", "-s", "/bin/bash", "-c", shlex.join(command)]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


class PostgresServer:
    """A throw-away PostgreSQL server on loopback in `directory` (.ci/postgres.sh start), which the
    test may stop and start again. `url` is its test database."""

    def __init__(self, directory, port, url):
        self.directory = pathlib.Path(directory)
        self.port = port
        self.url = url

    def stop(self):
        """`pg_ctl stop -m fast`: sessions are ended at once, and it returns once the server is down."""
        done = _as_postgres([_postgres_bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", "fast", "-w",
                             "stop"], timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self):
        """Starts it again with the options it was first started with, and returns once it accepts
        connections (`pg_ctl restart` on a stopped server reads them from postmaster.opts)."""
        done = _as_postgres([_postgres_bin("pg_ctl"), "-D", str(self.directory / "data"), "-l",
                             str(self.directory / "server.log"), "-w", "restart"], timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr


@contextlib.contextmanager
def postgres_server(prefix="parley-pg-"):
    """Yields a `PostgresServer` of the caller's own, stopped and removed afterwards."""
    directory = tempfile.mkdtemp(prefix=prefix)
    script = ROOT / ".ci" / "postgres.sh"

    def stop():
        subprocess.run(["bash", str(script), "stop", directory], capture_output=True, timeout=60)

    atexit.register(stop)
    try:
        port = free_port()
        started = subprocess.run(["bash", str(script), "start", directory, str(port)], capture_output=True,
                                 text=True, timeout=120)
        assert started.returncode == 0, started.stdout + started.stderr
        yield PostgresServer(directory, port, started.stdout.strip().splitlines()[-1])
    finally:
        stop()
        atexit.unregister(stop)
