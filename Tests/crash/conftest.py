"""Crash safety (issue 9): `parley serve` stopped in the middle of a burst of sends, by SIGKILL and by
SIGTERM, and PostgreSQL restarted under load. Each scenario runs once per module, against a
database of its own, and records what every send got; each test judges one part of the record.

The engine comes from --database-url or PARLEY_CRASH_DATABASE_URL: unset, every scenario runs on
a fresh SQLite file; a postgres:// URL names a server on which each scenario creates a scratch
database of its own. The PostgreSQL restart test runs only then, on a PostgreSQL server it starts
itself (.ci/postgres.sh), since it stops that server."""
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "pysupport"))
sys.path.insert(0, str(HERE))
from parley_process import is_postgres, scratch_database  # noqa: E402
import sends  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None,
                     help="postgres://… server to run on (a scratch database per scenario); SQLite when unset "
                          "(default: PARLEY_CRASH_DATABASE_URL)")


@pytest.fixture(scope="session")
def postgres_url(request):
    """The PostgreSQL server given to the suite, or None for SQLite."""
    url = request.config.getoption("--database-url") or os.environ.get("PARLEY_CRASH_DATABASE_URL") or None
    if url and not is_postgres(url):
        raise pytest.UsageError(f"--database-url must be a postgres:// URL (SQLite is the default): {url}")
    return url


@pytest.fixture(scope="session")
def engine(postgres_url):
    return "postgresql" if postgres_url else "sqlite"


@pytest.fixture(scope="module")
def workdir():
    path = pathlib.Path(tempfile.mkdtemp(prefix="parley-crash-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def database_url(workdir, postgres_url):
    """A database of the module's own on the suite's engine."""
    with scratch_database(workdir, postgres_url) as url:
        yield url


def pytest_terminal_summary(terminalreporter):
    for line in sends.SUMMARIES:
        terminalreporter.write_line(line)
