"""Three `parley serve` instances on one PostgreSQL database, started at the same moment, with
nginx in front of them configured from deploy/nginx.conf (round-robin, no sticky sessions), and
what the tests share to drive them: conversations with API tokens, the instances' answers, and
waiting for an instance to agree with what another one was told."""
import asyncio
import dataclasses
import pathlib
import time

import httpx

from nginx_proxy import Nginx
from parley_api import TIMEOUT, bearer
from parley_process import ServeProcess, psql, seed_conversations
from parley_server import free_port

INSTANCES = 3
ADMIN_EMAIL = "cluster-admin@parley.test"
ADMIN_PASSWORD = "cluster-admin-password"
# What every instance is started with, besides DATABASE_URL (the same for all).
SERVER_ENV = {"ADMIN_EMAIL": ADMIN_EMAIL, "ADMIN_PASSWORD": ADMIN_PASSWORD, "PARLEY_DEMO": "1",
              "TRUSTED_PROXIES": "127.0.0.1"}
# Issue 10: a revoked token and a switched-off chat take effect on every instance within this.
CLUSTER_WIDE_WITHIN = 1.0
# How long a test watches for something the cluster should do, to say how late it came (or that it
# never did) rather than only that it missed the bound.
WATCH_FOR = 6.0


@dataclasses.dataclass
class StartRecord:
    """How the simultaneous start went: when each instance was launched, and each one's outcome."""
    launched: list = dataclasses.field(default_factory=list)  # monotonic times
    problems: dict = dataclasses.field(default_factory=dict)  # instance name: what went wrong
    seconds: float = 0.0  # from the first launch until every instance answered (or failed)

    @property
    def spread(self):
        return max(self.launched) - min(self.launched)

    @property
    def healthy(self):
        return not self.problems

    def describe(self):
        return "\n\n".join(f"{name}: {problem}" for name, problem in self.problems.items()) or "all healthy"


class Cluster:
    """The instances (`ServeProcess`, each with its own port, working directory and log) and nginx."""

    def __init__(self, database_url, workdir, instances=INSTANCES):
        self.database_url = database_url
        self.workdir = pathlib.Path(workdir)
        ports = set()
        while len(ports) < instances:
            ports.add(free_port())
        self.instances = [ServeProcess(database_url, self.workdir / f"instance-{n}", SERVER_ENV,
                                       name=f"instance-{n}", port=port)
                          for n, port in enumerate(sorted(ports), start=1)]
        self.proxy = Nginx(self.workdir / "nginx", sorted(ports))

    @property
    def tls(self):
        """The SSL context that trusts nginx's certificate."""
        return self.proxy.tls

    def start(self, timeout=90):
        """Launches every instance at once, waits for each to answer /healthz, then starts nginx
        (only when all came up). Returns the `StartRecord`; never raises for an instance that failed."""
        record = StartRecord()
        started = time.monotonic()
        for instance in self.instances:
            instance.launch()
            record.launched.append(time.monotonic())
        for instance in self.instances:
            try:
                instance.wait_until_healthy(max(1.0, started + timeout - time.monotonic()))
            except AssertionError as problem:
                record.problems[instance.name] = str(problem)
        record.seconds = time.monotonic() - started
        if record.healthy:
            self.proxy.start()
            self._wait_for_proxy()
        return record

    def _wait_for_proxy(self, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(self.proxy.base + "/healthz", verify=self.tls, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"nginx never answered /healthz:\n{self.proxy.error_tail()}"
            time.sleep(0.05)

    def stop(self):
        """nginx first, then every instance with SIGTERM (SIGKILL when one does not exit in 30 s)."""
        self.proxy.stop()
        for instance in self.instances:
            instance.stop()

    def instance_named_by(self, upstream):
        """The instance an nginx `$upstream_addr` ("127.0.0.1:PORT") names."""
        port = int(upstream.rsplit(":", 1)[1])
        return next(instance for instance in self.instances if instance.fixed_port == port)

    def query(self, sql):
        return psql(self.database_url, sql)


@dataclasses.dataclass
class Pair:
    """A conversation seeded with an API token for each side (`parley seed --realtime-pairs`)."""
    session_id: int
    customer_token: str
    vendor_token: str
    customer_id: int = 0
    vendor_id: int = 0


def seed_pairs(cluster, count):
    """`count` new conversations, each with its customer's and vendor's ids read through the API."""
    pairs = [Pair(*row) for row in seed_conversations(cluster.database_url, cluster.workdir, count)]
    base = cluster.instances[0].base
    with httpx.Client(base_url=base + "/api/v1", timeout=TIMEOUT) as client:
        for pair in pairs:
            r = client.get(f"/chat-sessions/{pair.session_id}", headers=bearer(pair.customer_token))
            assert r.status_code == 200, r.text
            pair.customer_id, pair.vendor_id = r.json()["customer"]["id"], r.json()["vendor"]["id"]
    return pairs


async def poll(check, within, every=0.02):
    """Calls `check()` (async) every `every` seconds until it returns something true, for at most
    `within` seconds; returns (that value, seconds taken), or (None, None) if it never did."""
    started = time.monotonic()
    while True:
        value = await check()
        if value:
            return value, time.monotonic() - started
        if time.monotonic() - started > within:
            return None, None
        await asyncio.sleep(every)
