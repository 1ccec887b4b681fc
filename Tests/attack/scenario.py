"""The attack, once, against one live server: sign the users in, warm the server up, take its
memory baseline, then run every attacker together while a normal client (normal_client.py, a
process of its own) measures /healthz and sends; afterwards, watch the server's memory come back.
Everything the tests judge lands in one `Report`."""
import asyncio
import dataclasses
import json
import os
import pathlib
import sys
import time
import uuid

import httpx
from websockets.asyncio.client import connect

import attackers

HERE = pathlib.Path(__file__).resolve().parent

# The server's limits this suite runs with, and the ones it expects to be built in.
CAP = 64  # PARLEY_MAX_CONNECTIONS_PER_CLIENT
SEND_RATE = (20, 10)  # PARLEY_SEND_RATE: messages per seconds
SOCKETS_PER_USER = 16
HEADER_TIMEOUT = 10  # seconds to send complete request headers
BODY_STALL_TIMEOUT = 10  # seconds a request body may make no progress
MARGIN = 5  # seconds of slack on those deadlines (timer granularity, a loaded machine)
AT_ONCE = 1.5  # seconds within which a connection past the cap must be closed
SERVER_ENV = {"PARLEY_MAX_CONNECTIONS_PER_CLIENT": str(CAP), "PARLEY_SEND_RATE": "%d/%d" % SEND_RATE}

# Who connects from where: the normal client from 127.0.0.1, every attacker from elsewhere.
SLOW_HEADER_ADDRESSES = ["127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"]
SLOW_HEADERS_PER_ADDRESS = CAP - 4  # under the cap: only the header deadline may close them
CAP_ADDRESS = "127.0.0.20"  # CAP slow connections, then PAST_CAP more
PAST_CAP = 40
SLOW_BODY_ADDRESS = "127.0.0.8"
SOCKETS_ADDRESS = "127.0.0.4"
SOCKETS_OPENED = 48
API_GUESSER_ADDRESS = "127.0.0.5"  # with API_GUESSERS concurrent wrong passwords
API_GUESSERS = 8
ADMIN_GUESSER_ADDRESS = "127.0.0.6"
ADMIN_GUESSERS = 4
GUESSER_WORKERS = API_GUESSERS + ADMIN_GUESSERS
FLOODER_ADDRESS = "127.0.0.7"
WARM_UP_ADDRESS = "127.0.0.9"
NORMAL_USERS = 10  # they share the normal client's sends, each well under its send limit

GUESS_FOR = 15  # seconds the guessers (at least) and the flooder keep going
GUESS_FOR_AT_MOST = 40  # seconds the owner waits for both guessers to be refused before signing in
MEMORY_RECOVERY = 30  # seconds the server has to come back to its baseline after the attack
MEMORY_SLACK = 0.20


@dataclasses.dataclass(repr=False)
class Report:
    baseline_kib: int = 0
    peak_kib: int = 0
    after_kib: int = 0
    recovered_in: float | None = None  # seconds after the attack ended; None when it did not
    started: float = 0.0  # when the attack started, on the monotonic clock
    attack_seconds: float = 0.0
    server_cpu_seconds: float = 0.0  # CPU time the server, and the attackers' process, used during it
    attackers_cpu_seconds: float = 0.0
    slow: list = dataclasses.field(default_factory=list)  # attackers.SlowConnection
    cap_address_again: int | str | None = None
    sockets: attackers.SocketsRecord | None = None
    api_guesses: list = dataclasses.field(default_factory=list)  # attackers.Answer
    admin_guesses: list = dataclasses.field(default_factory=list)
    owner: attackers.OwnerSignIn | None = None
    flood: list = dataclasses.field(default_factory=list)
    healthz: list = dataclasses.field(default_factory=list)  # (ms, status, API error code, sent at)
    sends: list = dataclasses.field(default_factory=list)

    def __repr__(self):
        return f"<the attack's report: {self.attack_seconds:.0f} s>"

    def slow_of(self, *kinds):
        return [conn for conn in self.slow if conn.kind in kinds]


def p99(milliseconds):
    ordered = sorted(milliseconds)
    return ordered[max(0, -(-len(ordered) * 99 // 100) - 1)] if ordered else float("nan")


def cpu_seconds(pid):
    """User and system CPU time of process `pid` so far (/proc/<pid>/stat)."""
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    """The resident memory of process `pid` (VmRSS in /proc/<pid>/status), in KiB."""
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


# --- Users -----------------------------------------------------------------------------------------

async def sign_in(client, email, password):
    r = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    return r.json()["token"]


async def own_session(client, token):
    """Any conversation of this customer's: the one about the first product they may ask about."""
    headers = {"Authorization": f"Bearer {token}"}
    for product_id in range(1, 100):
        r = await client.post("/api/v1/chat-sessions", json={"product_id": product_id}, headers=headers)
        if r.status_code in (200, 201):
            return r.json()["id"]
        assert r.status_code == 422, r.text
    raise AssertionError("no product to ask about")


async def customer(client, email, password):
    token = await sign_in(client, email, password)
    return token, await own_session(client, token)


# --- The run ---------------------------------------------------------------------------------------

async def warm_up(base, normal, flood_user, socket_token):
    """Every path the attack takes, once or a few times, so the baseline includes what the server
    allocates on first use (bcrypt, the WebSocket machinery, connection bookkeeping)."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as client:
        for token, session_id in normal + [flood_user]:
            for n in range(2):
                r = await client.post(f"/api/v1/chat-sessions/{session_id}/messages",
                                      json={"body": f"Warm-up {n}", "client_message_id": str(uuid.uuid4())},
                                      headers={"Authorization": f"Bearer {token}"})
                assert r.status_code == 201, r.text
        for _ in range(50):
            assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/admin/login")).status_code == 200
    many = [httpx.AsyncClient(base_url=base, timeout=10) for _ in range(20)]
    try:
        await asyncio.gather(*(c.get("/healthz") for c in many for _ in range(3)))
    finally:
        await asyncio.gather(*(c.aclose() for c in many))
    async with attackers._client(base, WARM_UP_ADDRESS, 1) as stranger:
        r = await stranger.post("/api/v1/auth/token", json={"email": "nobody@parley.test", "password": "wrong"})
        assert r.status_code == 401, r.text
    ws = await connect(ws_url(base), additional_headers={"Authorization": f"Bearer {socket_token}"})
    assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection.ready"
    await ws.close()


def ws_url(base):
    return base.replace("http://", "ws://") + "/api/v1/realtime"


async def baseline_memory(pid):
    samples = []
    for _ in range(5):
        samples.append(rss_kib(pid))
        await asyncio.sleep(0.2)
    return sorted(samples)[len(samples) // 2]


async def watch_memory(pid, report, stop):
    while not stop.is_set():
        report.peak_kib = max(report.peak_kib, rss_kib(pid))
        try:
            await asyncio.wait_for(stop.wait(), 0.2)
        except asyncio.TimeoutError:
            pass


async def start_normal_client(base, normal):
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(HERE / "normal_client.py"), json.dumps({"base": base, "users": normal}),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert line.strip() == b"ready", line
    except BaseException:
        process.kill()
        await process.wait()
        raise
    return process


async def stop_normal_client(process):
    process.stdin.close()
    try:
        out = await asyncio.wait_for(process.stdout.read(), 30)
        await asyncio.wait_for(process.wait(), 10)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        raise
    return json.loads(out)


async def run(base, pid, admin_email, admin_password, customers, demo_password):
    report = Report()
    host, port = base.removeprefix("http://").split(":")
    port = int(port)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        turns = asyncio.Semaphore(4)  # the server checks at most 8 passwords from one address at once

        async def signed_in(email):
            async with turns:
                return await customer(client, email, demo_password)
        users = await asyncio.gather(*(signed_in(email) for email in customers[:NORMAL_USERS + 2]))
    normal, flood_user, (socket_token, _) = [list(u) for u in users[:NORMAL_USERS]], users[-2], users[-1]

    await warm_up(base, normal, flood_user, socket_token)
    await asyncio.sleep(1)
    report.baseline_kib = report.peak_kib = await baseline_memory(pid)

    normal_client = await start_normal_client(base, normal)
    attack_over = asyncio.Event()
    memory = asyncio.create_task(watch_memory(pid, report, attack_over))
    started = report.started = attackers.now()
    cpu_before = cpu_seconds(pid), cpu_seconds(os.getpid())
    until = started + GUESS_FOR
    try:
        sockets = asyncio.create_task(
            attackers.many_sockets(ws_url(base), socket_token, SOCKETS_ADDRESS, SOCKETS_OPENED, attack_over))

        async def guessers_and_owner():
            stop = asyncio.Event()
            guessers = asyncio.gather(
                attackers.api_guesser(base, API_GUESSER_ADDRESS, admin_email, API_GUESSERS, stop, report.api_guesses),
                attackers.admin_guesser(base, ADMIN_GUESSER_ADDRESS, admin_email, ADMIN_GUESSERS, stop,
                                        report.admin_guesses))
            # The owner signs in once both guessers have been refused (bcrypt is slow in a debug
            # build, so that can take a while), while they are still at it; they go on a little
            # longer, to show the owner's success let neither back in.
            deadline = started + GUESS_FOR_AT_MOST
            refused = lambda answers: any(a.status == 429 for a in answers)  # noqa: E731
            while not (refused(report.api_guesses) and refused(report.admin_guesses)) and attackers.now() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(max(0.0, started + GUESS_FOR / 2 - attackers.now()))
            report.owner = await attackers.owner_signs_in(base, admin_email, admin_password)
            await asyncio.sleep(max(3.0, started + GUESS_FOR - attackers.now()))
            stop.set()
            await guessers

        async def flood():
            token, session_id = flood_user
            report.flood = await attackers.flooder(base, token, session_id, FLOODER_ADDRESS, workers=4, until=until)

        async def slow_headers():
            conns, report.cap_address_again = await attackers.slow_headers(
                host, port, SLOW_HEADER_ADDRESSES, SLOW_HEADERS_PER_ADDRESS, CAP_ADDRESS, CAP, PAST_CAP)
            report.slow += conns

        async def slow_bodies():
            report.slow += await attackers.slow_bodies(host, port, SLOW_BODY_ADDRESS, stalls=15, trickles=15)

        await asyncio.gather(slow_headers(), slow_bodies(), guessers_and_owner(), flood())
        attack_over.set()
        report.sockets = await sockets
    finally:
        attack_over.set()
        report.attack_seconds = attackers.now() - started
        report.server_cpu_seconds = cpu_seconds(pid) - cpu_before[0]
        report.attackers_cpu_seconds = cpu_seconds(os.getpid()) - cpu_before[1]
        measured = await stop_normal_client(normal_client)
        report.healthz, report.sends = measured["healthz"], measured["sends"]
        await memory

    ended = time.monotonic()
    while True:
        report.after_kib = rss_kib(pid)
        if report.after_kib <= report.baseline_kib * (1 + MEMORY_SLACK):
            report.recovered_in = time.monotonic() - ended
            break
        if time.monotonic() - ended > MEMORY_RECOVERY:
            break
        await asyncio.sleep(0.5)
    return report


def summary(report):
    mib = lambda kib: kib / 1024  # noqa: E731
    ok_sends = sum(1 for answer in report.flood if answer.status == 201)
    refused = lambda answers: sum(1 for answer in answers if answer.status == 429)  # noqa: E731
    owner = report.owner
    headers = report.slow_of("headers", "at-cap")
    lifetimes = sorted(c.lifetime for c in headers if c.lifetime is not None)
    recovered = f"in {report.recovered_in:.1f} s" if report.recovered_in is not None else "not recovered"
    return (
        f"attack ({report.attack_seconds:.0f} s): "
        f"healthz p99 {p99([ms for ms, *_ in report.healthz]):.1f} ms (n={len(report.healthz)}), "
        f"normal send p99 {p99([ms for ms, *_ in report.sends]):.1f} ms (n={len(report.sends)}); "
        f"memory baseline {mib(report.baseline_kib):.1f} MiB, peak {mib(report.peak_kib):.1f} MiB, "
        f"after {mib(report.after_kib):.1f} MiB ({recovered}); "
        f"slow headers closed {len(lifetimes)}/{len(headers)}"
        + (f" after {lifetimes[0]:.1f}-{lifetimes[-1]:.1f} s" if lifetimes else "")
        + f"; flooder {ok_sends} sent of {len(report.flood)} tries"
        + f"; guesser refused {refused(report.api_guesses)}/{len(report.api_guesses)} (API), "
        f"{refused(report.admin_guesses)}/{len(report.admin_guesses)} (admin panel)"
        + (f"; owner signed in in {owner.api_seconds:.1f} s (API, {owner.api_status}), "
           f"{owner.admin_seconds:.1f} s (admin panel, {owner.admin_status})" if owner else "")
        + f"; CPU during the attack: server {report.server_cpu_seconds:.1f} s, "
        f"attackers {report.attackers_cpu_seconds:.1f} s"
    )
