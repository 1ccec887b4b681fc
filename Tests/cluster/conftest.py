"""Several instances behind a load balancer (issue 10): three `parley serve` on one PostgreSQL
database, started at the same moment, behind nginx configured from deploy/nginx.conf. Each test
module gets a fresh database and a cluster of its own, so every module starts three instances
together on an empty database again.

The PostgreSQL server comes from --database-url or PARLEY_CLUSTER_DATABASE_URL (a scratch
database is made on it per module); the suite is skipped without one, since instances share
nothing on SQLite."""
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "pysupport"))
sys.path.insert(0, str(HERE))
from cluster import Cluster  # noqa: E402
from parley_process import is_postgres, scratch_database  # noqa: E402


def pytest_addoption(parser):
    try:
        parser.addoption("--database-url", default=None,
                         help="postgres://… server to run on (a scratch database per test module) "
                              "(default: PARLEY_CLUSTER_DATABASE_URL)")
    except ValueError:
        pass  # another suite's conftest, in the same run, declared it already


@pytest.fixture(scope="session")
def postgres_url(request):
    url = request.config.getoption("--database-url") or os.environ.get("PARLEY_CLUSTER_DATABASE_URL") or None
    if not url:
        pytest.skip("the cluster suite runs on PostgreSQL only: give it --database-url postgres://…")
    if not is_postgres(url):
        raise pytest.UsageError(f"--database-url must be a postgres:// URL: {url}")
    return url


@pytest.fixture(scope="module")
def workdir():
    path = pathlib.Path(tempfile.mkdtemp(prefix="parley-cluster-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def database_url(workdir, postgres_url):
    """An empty database of the module's own."""
    with scratch_database(workdir, postgres_url, prefix="parley_cluster") as url:
        yield url


@pytest.fixture(scope="module")
def cluster(workdir, database_url):
    """Three instances started together on the module's empty database, and nginx, all healthy."""
    cluster = Cluster(database_url, workdir)
    try:
        record = cluster.start()
        assert record.healthy, record.describe()
        yield cluster
    finally:
        cluster.stop()
