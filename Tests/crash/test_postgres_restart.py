"""PostgreSQL stopped and started again under load, twice, Parley left running: while the database
is down the API answers 503 with Retry-After in the JSON envelope (`database_unavailable`) and
/healthz answers 503, quickly and never 500; once PostgreSQL accepts connections again, service
resumes by itself within 5 seconds. Clients keep sending, listing and asking /healthz throughout,
each waiting for its answer before the next request; besides them, fresh probes (a send, a list, a
/healthz, each on a new connection) start every quarter second whatever the others are waiting
for, and tell whether the service is back. The PostgreSQL server is the test's own (.ci/postgres.sh),
since it is stopped; the test runs in the suite's PostgreSQL step only."""
import asyncio
import dataclasses
import time
import uuid

import httpx
import pytest

from parley_process import ServeProcess, postgres_server
import sends as s

CYCLES = 2  # stops and starts of PostgreSQL
PAIRS = 8
SENDERS = 6  # clients sending one message after another
LISTERS = 2  # clients reading their conversation list
HEALTH_EVERY = 0.1  # seconds between a client's two /healthz
PAUSE = 0.02  # seconds between a client's requests: load, not a flood
PROBE_EVERY = 0.25  # seconds between two rounds of probes
STEADY = 1.5  # seconds of load before PostgreSQL is first stopped
DOWN_FOR = 3.0  # seconds it stays down
WATCH_AFTER = 7.0  # seconds of load once it is back, before the next stop or the end
FAST = 3.0  # seconds any answer may take, whatever the database does
RESUME_WITHIN = 5.0  # seconds after PostgreSQL accepts connections again
REQUEST_TIMEOUT = 10  # seconds a client waits for an answer; far past FAST, so a hang is seen as one


@dataclasses.dataclass
class Request:
    kind: str  # send, list, healthz
    started: float
    probe: bool = False  # a fresh probe rather than one of the clients' requests
    ended: float = 0.0
    status: int | None = None
    retry_after: str | None = None
    error_code: str | None = None  # the JSON envelope's error.code
    error: str | None = None  # an exception instead of an answer

    @property
    def seconds(self):
        return self.ended - self.started

    @property
    def ok(self):
        return self.status is not None and 200 <= self.status < 300

    def __str__(self):
        return f"{'probe ' if self.probe else ''}{self.kind} {self.status or self.error} in {self.seconds:.2f} s"


@dataclasses.dataclass
class Cycle:
    stopping: float = 0.0  # pg_ctl stop called
    stopped: float = 0.0  # it returned: PostgreSQL is down
    starting: float = 0.0  # pg_ctl start called
    up: float = 0.0  # it returned: PostgreSQL accepts connections
    until: float = 0.0  # the next cycle's stop, or the end of the load


@dataclasses.dataclass(repr=False)
class Report:
    requests: list = dataclasses.field(default_factory=list)
    cycles: list = dataclasses.field(default_factory=list)
    server_pid_before: int = 0
    server_pid_after: int = 0
    server_log: str = ""  # its warnings and errors

    def __repr__(self):
        return f"<PostgreSQL restarted {len(self.cycles)} times>"

    def within(self, start, end, *kinds):
        """Requests started and answered between `start` and `end`."""
        return [r for r in self.requests if start <= r.started and r.ended < end and (not kinds or r.kind in kinds)]

    def at(self, request):
        """A request, with when it started from the stop of PostgreSQL before it."""
        stops = [c.stopping for c in self.cycles if c.stopping <= request.started]
        when = f"{request.started - stops[-1]:+.2f} s from stop {len(stops)}" if stops else "before the first stop"
        return f"{request} {request.error_code or ''} (started {when})"


async def record(report, kind, call, probe=False):
    request = Request(kind, time.monotonic(), probe)
    report.requests.append(request)
    try:
        r = await call()
    except httpx.HTTPError as error:
        request.error = f"{type(error).__name__}: {error}"
    else:
        request.status = r.status_code
        request.retry_after = r.headers.get("retry-after")
        if r.status_code >= 400:
            try:
                request.error_code = r.json()["error"]["code"]
            except (ValueError, KeyError, TypeError):
                request.error_code = None
    request.ended = time.monotonic()


def _send(api, who):
    return api.post(f"/chat-sessions/{who.session_id}/messages", headers={"Authorization": f"Bearer {who.token}"},
                    json={"body": "While PostgreSQL restarts", "client_message_id": str(uuid.uuid4())})


def _list(api, who):
    return api.get("/chat-sessions", headers={"Authorization": f"Bearer {who.token}"})


async def load(base, senders, report, done):
    """The clients, each waiting for its answer before its next request, and the probes."""
    def api():
        return httpx.AsyncClient(base_url=base + "/api/v1", timeout=REQUEST_TIMEOUT, verify=s.TLS)

    async def sender(index):
        async with api() as client:
            turn = 0
            while not done.is_set():
                who = senders[(index + turn) % len(senders)]
                turn += 1
                await record(report, "send", lambda: _send(client, who))
                await asyncio.sleep(PAUSE)

    async def lister(index):
        async with api() as client:
            while not done.is_set():
                await record(report, "list", lambda: _list(client, senders[index]))
                await asyncio.sleep(PAUSE)

    async def health():
        async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT, verify=s.TLS) as client:
            while not done.is_set():
                await record(report, "healthz", lambda: client.get("/healthz"))
                await asyncio.sleep(HEALTH_EVERY)

    async def probe(turn):
        who = senders[turn % len(senders)]
        async with api() as client:
            await asyncio.gather(
                record(report, "send", lambda: _send(client, who), probe=True),
                record(report, "list", lambda: _list(client, who), probe=True),
                record(report, "healthz", lambda: client.get(base + "/healthz"), probe=True))

    async def probes():
        started = []
        turn = 0
        while not done.is_set():
            started.append(asyncio.create_task(probe(turn)))
            turn += 1
            await asyncio.sleep(PROBE_EVERY)
        await asyncio.gather(*started)

    await asyncio.gather(*(sender(i) for i in range(SENDERS)), *(lister(i) for i in range(LISTERS)), health(),
                         probes())


async def restart_under_load(postgres, server, senders, report):
    done = asyncio.Event()
    running = asyncio.create_task(load(server.base, senders, report, done))
    try:
        await asyncio.sleep(STEADY)
        for _ in range(CYCLES):
            cycle = Cycle()
            report.cycles.append(cycle)
            cycle.stopping = time.monotonic()
            await asyncio.to_thread(postgres.stop)
            cycle.stopped = time.monotonic()
            await asyncio.sleep(DOWN_FOR)
            cycle.starting = time.monotonic()
            await asyncio.to_thread(postgres.start)
            cycle.up = time.monotonic()
            await asyncio.sleep(WATCH_AFTER)
            cycle.until = time.monotonic()
    finally:
        done.set()
        await running


@pytest.fixture(scope="module")
def report(engine, workdir):
    if engine != "postgresql":
        pytest.skip("PostgreSQL only: runs in the suite's PostgreSQL step (--database-url)")
    report = Report()
    with postgres_server() as postgres:
        server = ServeProcess(postgres.url, workdir, s.SERVER_ENV)
        try:
            conversations = s.seed_senders(postgres.url, workdir, PAIRS)
            server.start()
            report.server_pid_before = server.pid
            senders = asyncio.run(s.identify(server.base, conversations))
            asyncio.run(restart_under_load(postgres, server, senders, report))
            assert server.running, "parley serve exited while PostgreSQL was down:\n" + server.log_tail()
            report.server_pid_after = server.pid
        finally:
            server.stop()
            report.server_log = "\n".join([
                line for line in server.log_tail(100_000).splitlines()
                if any(level in line for level in (" warning ", " error ", " critical ", "Fatal"))][-20:])
    s.SUMMARIES.append(summary(report))
    return report


def summary(report):
    statuses = {}
    for r in report.requests:
        key = f"{'probe ' if r.probe else ''}{r.kind} {r.status or r.error.split(':')[0]}"
        statuses[key] = statuses.get(key, 0) + 1
    lines = [f"PostgreSQL restarted {len(report.cycles)} times under load: {len(report.requests)} requests "
             f"({', '.join(f'{n} {k}' for k, n in sorted(statuses.items()))})"]
    for number, c in enumerate(report.cycles, 1):
        failing = [r for r in report.requests if r.probe and c.up <= r.started < c.until and not r.ok]
        slow = [r for r in report.requests if c.stopping <= r.started < c.until and r.seconds > FAST]
        lines.append(
            f"  stop {number}: stopped in {c.stopped - c.stopping:.2f} s, down {c.starting - c.stopped:.1f} s, started "
            f"in {c.up - c.starting:.2f} s; {len(report.within(c.stopped, c.starting))} answers while down; "
            f"{len(slow)} requests took over {FAST:.0f} s ({', '.join(report.at(r) for r in slow[:4])}); "
            f"last failed probe started {max((r.started for r in failing), default=c.up) - c.up:.2f} s after "
            f"PostgreSQL was back")
    return "\n".join(lines)


def test_api_answers_503_with_retry_after_in_the_envelope_while_postgres_is_down(report):
    for c in report.cycles:
        down = report.within(c.stopped, c.starting, "send", "list")
        assert down, "no API request was answered while PostgreSQL was down"
        wrong = [r for r in down if (r.status, r.error_code) != (503, "database_unavailable") or not r.retry_after]
        assert not wrong, [f"{report.at(r)} Retry-After: {r.retry_after}" for r in wrong[:5]]


def test_healthz_answers_503_while_postgres_is_down(report):
    for c in report.cycles:
        down = report.within(c.stopped, c.starting, "healthz")
        assert down, "no /healthz was answered while PostgreSQL was down"
        assert all(r.status == 503 for r in down), [report.at(r) for r in down if r.status != 503][:5]


def test_no_request_hangs_or_fails_with_500_while_postgres_restarts(report):
    failed = [r for r in report.requests if r.error or not (r.ok or r.status == 503)]
    slow = [r for r in report.requests if r.seconds > FAST and r not in failed]
    assert not failed + slow, "\n".join(
        [f"{len(failed)} requests failed or got no answer, {len(slow)} took over {FAST:.0f} s:"]
        + [report.at(r) for r in (failed + slow)[:8]] + ["server log:", report.server_log])


def test_service_resumes_by_itself_within_5_s_of_postgres_accepting_connections(report):
    assert report.server_pid_after == report.server_pid_before
    for number, c in enumerate(report.cycles, 1):
        # Answered before the next stop began: one in flight then may rightly get a 503.
        later = [r for r in report.requests if r.probe and c.up + RESUME_WITHIN <= r.started and r.ended < c.until]
        for kind in ("send", "list", "healthz"):
            assert any(r.kind == kind for r in later), f"stop {number}: no {kind} probe after {RESUME_WITHIN} s"
        failed = [r for r in later if not r.ok]
        assert not failed, f"stop {number}: " + ", ".join(
            f"{r} (started {r.started - c.up:+.2f} s from PostgreSQL back)" for r in failed[:5])
