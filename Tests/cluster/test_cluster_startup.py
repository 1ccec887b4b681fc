"""Three instances started at the same moment on an empty database: every one comes up, one
administrator is made, and the demo data is seeded once, by one of them."""
import re

import httpx
import pytest

from cluster import ADMIN_EMAIL, Cluster


@pytest.fixture(scope="module")
def started(workdir, database_url):
    """The cluster and how its start went, whatever that was (the tests judge it)."""
    cluster = Cluster(database_url, workdir)
    try:
        yield cluster, cluster.start()
    finally:
        cluster.stop()


def test_three_instances_started_together_on_an_empty_database_all_come_up_healthy(started):
    cluster, record = started
    assert record.spread < 0.5, f"the instances were launched {record.spread:.2f} s apart"
    assert record.healthy, record.describe()
    for instance in cluster.instances:
        assert "emailTaken" not in instance.output(), instance.log_tail()
        r = httpx.get(instance.base + "/healthz", timeout=5)
        assert (r.status_code, r.json()) == (200, {"status": "ok"}), f"{instance.name}: {r.text}"
    # And through nginx, which reaches each of them in turn.
    for _ in cluster.instances:
        r = httpx.get(cluster.proxy.base + "/healthz", verify=cluster.tls, timeout=5)
        assert r.status_code == 200, r.text
    print(f"three instances healthy {record.seconds:.1f} s after being launched {record.spread * 1000:.0f} ms apart")


def test_instances_started_together_make_one_administrator(started):
    cluster, record = started
    assert record.healthy, record.describe()
    assert cluster.query("SELECT email FROM users WHERE role = 'admin'") == [[ADMIN_EMAIL]]


def test_instances_started_together_seed_the_demo_data_once(started):
    cluster, record = started
    assert record.healthy, record.describe()
    seeded = {instance.name: re.search(r"Seeded demo data: (\d+) users, (\d+) products, (\d+) chat sessions, "
                                       r"(\d+) messages", instance.output())
              for instance in cluster.instances}
    seeders = [name for name, found in seeded.items() if found]
    assert len(seeders) == 1, f"seeded by {seeders or 'nobody'}"
    users, products, sessions, messages = (int(n) for n in seeded[seeders[0]].groups())
    [[stored_users, stored_products, stored_sessions, stored_messages]] = cluster.query(
        "SELECT (SELECT COUNT(*) FROM users WHERE role <> 'admin'), (SELECT COUNT(*) FROM products), "
        "(SELECT COUNT(*) FROM chat_sessions), (SELECT COUNT(*) FROM chat_messages)")
    assert (int(stored_users), int(stored_products), int(stored_sessions), int(stored_messages)) == (
        users, products, sessions, messages)
