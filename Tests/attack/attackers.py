"""The attackers of the attack suite, each from loopback addresses of its own (127.0.0.2 and up), so
the server, which counts connections and failed sign-ins per client address, tells them apart from
the normal client on 127.0.0.1. Each records what the server did to it; scenario.py runs them
together and test_attack.py judges the records."""
import asyncio
import dataclasses
import json
import re
import time

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.protocol import State

# How long an attacker waits for the server to close a connection before closing it itself; well
# past the deadline the tests expect, so a late close is still measured rather than cut short.
GIVE_UP_AFTER = 25
REQUEST_TIMEOUT = 10
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def now():
    return time.monotonic()


# --- Slow connections (slowloris) ------------------------------------------------------------------

@dataclasses.dataclass
class SlowConnection:
    """One raw TCP connection that never completes its request. `progress` is the last moment the
    client did something useful: its connection for slow headers (a trickled header byte buys no
    time), its last body byte for slow bodies."""
    kind: str
    address: str
    opened: float | None = None
    progress: float | None = None
    closed: float | None = None  # when the server closed it (end of stream, reset, refused write)
    refused: bool = False  # the connection itself was refused
    answer: bytes = b""  # whatever the server wrote before closing (a 408, say)
    bytes_sent: int = 0

    @property
    def lifetime(self):
        return None if self.closed is None else self.closed - self.opened

    @property
    def after_progress(self):
        return None if self.closed is None else self.closed - self.progress


async def _hold(conn, host, port, first, trickle_every=None, trickles=0, trickle_is_progress=False):
    """Connects from `conn.address`, writes `first`, then one byte every `trickle_every` seconds
    (`trickles` times, forever when None) until the server closes the connection or
    GIVE_UP_AFTER seconds pass without progress."""
    try:
        reader, writer = await asyncio.open_connection(host, port, local_addr=(conn.address, 0))
    except OSError:
        conn.opened = conn.progress = conn.closed = now()
        conn.refused = True
        return conn
    conn.opened = conn.progress = now()
    sent_trickles = 0
    next_write = now() + trickle_every if trickle_every else None
    pending = first
    try:
        while True:
            if pending:
                try:
                    writer.write(pending)
                    await writer.drain()
                except (ConnectionError, OSError):
                    conn.closed = now()
                    return conn
                conn.bytes_sent += len(pending)
                if pending is first or trickle_is_progress:
                    conn.progress = now()
                pending = b""
            give_up = conn.progress + GIVE_UP_AFTER
            wake = min(give_up, next_write) if next_write else give_up
            try:
                data = await asyncio.wait_for(reader.read(65536), max(0.0, wake - now()))
            except asyncio.TimeoutError:
                if now() >= give_up:
                    return conn  # still open: the server never closed it
                sent_trickles += 1
                pending = b"a"
                more = trickles is None or sent_trickles < trickles
                next_write = now() + trickle_every if more else None
                continue
            except (ConnectionError, OSError):
                conn.closed = now()
                return conn
            if not data:
                conn.closed = now()
                return conn
            conn.answer += data[: 512 - len(conn.answer)]
    finally:
        writer.transport.abort()


SLOW_HEAD = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\nX-Slow: "


async def slow_headers(host, port, addresses, per_address, cap_address, cap, past_cap):
    """`per_address` connections from each of `addresses` (under the cap), then `cap` from
    `cap_address` and, once those are open, `past_cap` more from it. Each sends a request line and
    then one header byte every 3 s, never finishing the headers. Returns (the connections, the
    status of a plain /healthz from `cap_address` once its slow connections are gone)."""
    trickle = dict(trickle_every=3, trickles=None)
    tasks = [asyncio.create_task(_hold(SlowConnection("headers", address), host, port, SLOW_HEAD, **trickle))
             for address in addresses for _ in range(per_address)]
    at_cap = [SlowConnection("at-cap", cap_address) for _ in range(cap)]
    at_cap_tasks = [asyncio.create_task(_hold(conn, host, port, SLOW_HEAD, **trickle)) for conn in at_cap]
    deadline = now() + 10
    while any(conn.opened is None for conn in at_cap) and now() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # let the server accept and count them
    past = await asyncio.gather(*(_hold(SlowConnection("past-cap", cap_address), host, port, SLOW_HEAD, **trickle)
                                  for _ in range(past_cap)))
    at_cap_done = await asyncio.gather(*at_cap_tasks)
    again = await _plain_get(host, port, cap_address, "/healthz")
    return await asyncio.gather(*tasks) + at_cap_done + past, again


async def _plain_get(host, port, address, path):
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}", transport=transport, timeout=5) as client:
        try:
            return (await client.get(path)).status_code
        except httpx.HTTPError as error:
            return type(error).__name__


def _body_head(length):
    return (b"POST /api/v1/auth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n{\"email\": \"slow@parley.test\", \"password\": \"" % length)


async def slow_bodies(host, port, address, stalls, trickles, length=60_000):
    """POSTs whose headers promise `length` bytes (under the 64 KiB limit, so the server waits for
    them): `stalls` send 1 KB of body and stop; `trickles` send 100 bytes, then one byte every
    2.5 s four times, then stop."""
    stalled = [_hold(SlowConnection("body-stall", address), host, port, _body_head(length) + b"a" * 1000)
               for _ in range(stalls)]
    trickled = [_hold(SlowConnection("body-trickle", address), host, port, _body_head(length) + b"a" * 100,
                      trickle_every=2.5, trickles=4, trickle_is_progress=True)
                for _ in range(trickles)]
    return await asyncio.gather(*stalled, *trickled)


# --- Many realtime sockets for one user ------------------------------------------------------------

@dataclasses.dataclass
class SocketAttempt:
    outcome: str  # "ready", "closed", "silent", or the exception's name
    seconds: float  # from the start of the connection to the outcome
    code: int | None = None
    reason: str | None = None


@dataclasses.dataclass
class SocketsRecord:
    attempts: list
    admitted_still_open: int = 0  # when the attack ended


async def many_sockets(ws_url, token, address, count, hold_until):
    """Opens `count` realtime sockets for one user, one after another, and keeps those admitted
    open until `hold_until` is set."""
    record = SocketsRecord(attempts=[])
    admitted = []
    try:
        for _ in range(count):
            started = now()
            try:
                ws = await connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"},
                                   local_addr=(address, 0), open_timeout=REQUEST_TIMEOUT)
            except Exception as error:  # refused at the HTTP level (InvalidStatus), reset, timed out
                record.attempts.append(SocketAttempt(type(error).__name__, now() - started))
                continue
            try:
                first = json.loads(await asyncio.wait_for(ws.recv(), REQUEST_TIMEOUT))
            except ConnectionClosed as closed:
                frame = closed.rcvd
                record.attempts.append(SocketAttempt("closed", now() - started, frame and frame.code,
                                                     frame and frame.reason))
                continue
            except asyncio.TimeoutError:
                record.attempts.append(SocketAttempt("silent", now() - started))
                await ws.close()
                continue
            outcome = "ready" if first.get("type") == "connection.ready" else f"event {first.get('type')}"
            record.attempts.append(SocketAttempt(outcome, now() - started))
            admitted.append(ws)
        await hold_until.wait()
        record.admitted_still_open = sum(1 for ws in admitted if ws.state is State.OPEN)
    finally:
        await asyncio.gather(*(ws.close() for ws in admitted), return_exceptions=True)
    return record


# --- The sign-in guesser ---------------------------------------------------------------------------

@dataclasses.dataclass
class Answer:
    at: float
    status: int | str  # the status, or the exception's name
    code: str | None = None  # the API error code
    retry_after: str | None = None
    seconds: float = 0.0


def _answer(started, response):
    code = None
    if response.headers.get("content-type", "").startswith("application/json"):
        code = response.json().get("error", {}).get("code")
    return Answer(started, response.status_code, code, response.headers.get("retry-after"), now() - started)


def _client(base, address, workers, **kwargs):
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=workers))
    return httpx.AsyncClient(base_url=base, transport=transport, timeout=REQUEST_TIMEOUT, **kwargs)


async def api_guesser(base, address, email, workers, stop, answers):
    """`workers` concurrent wrong-password sign-ins on POST /api/v1/auth/token until `stop` is set,
    each answer appended to `answers` as it comes."""
    async with _client(base, address, workers) as client:
        async def guess(worker):
            n = 0
            while not stop.is_set():
                n += 1
                started = now()
                try:
                    response = await client.post("/api/v1/auth/token",
                                                 json={"email": email, "password": f"guess-{worker}-{n}"})
                except httpx.HTTPError as error:
                    answers.append(Answer(started, type(error).__name__))
                    continue
                answers.append(_answer(started, response))
        await asyncio.gather(*(guess(worker) for worker in range(workers)))


async def admin_guesser(base, address, email, workers, stop, answers):
    """`workers` concurrent wrong-password sign-ins on the admin panel's form until `stop` is set,
    each with its own cookies and the CSRF token of the page it was last shown."""
    async def guess(worker):
        async with _client(base, address, 1) as client:
            token = None
            n = 0
            while not stop.is_set():
                try:
                    if token is None:
                        token = CSRF.search((await client.get("/admin/login")).text).group(1)
                    n += 1
                    started = now()
                    response = await client.post("/admin/login", data={
                        "_csrf": token, "next": "", "email": email, "password": f"guess-{worker}-{n}"})
                except (httpx.HTTPError, AttributeError) as error:
                    answers.append(Answer(now(), type(error).__name__))
                    token = None
                    continue
                answers.append(_answer(started, response))
                found = CSRF.search(response.text)
                token = found.group(1) if found else None
    await asyncio.gather(*(guess(worker) for worker in range(workers)))


@dataclasses.dataclass
class OwnerSignIn:
    at: float
    api_status: int | str  # the status, or the exception's name
    api_seconds: float
    admin_status: int | str
    admin_seconds: float
    admin_session_cookie: bool


async def owner_signs_in(base, email, password):
    """The real administrator, from 127.0.0.1, signs in to the API and to the admin panel."""
    record = OwnerSignIn(now(), "not tried", 0.0, "not tried", 0.0, False)
    async with _client(base, "127.0.0.1", 2) as client:
        client.timeout = httpx.Timeout(30)
        try:
            started = now()
            api = await client.post("/api/v1/auth/token", json={"email": email, "password": password})
            record.api_status, record.api_seconds = api.status_code, now() - started
            page = await client.get("/admin/login")
            started = now()
            admin = await client.post("/admin/login", data={
                "_csrf": CSRF.search(page.text).group(1), "next": "", "email": email, "password": password})
            record.admin_status, record.admin_seconds = admin.status_code, now() - started
            record.admin_session_cookie = "parley_session" in admin.cookies
        except httpx.HTTPError as error:
            if record.api_status == "not tried":
                record.api_status = type(error).__name__
            else:
                record.admin_status = type(error).__name__
    return record


# --- The flooder -----------------------------------------------------------------------------------

async def flooder(base, token, session_id, address, workers, until):
    """One user sending into their own session as fast as `workers` connections allow."""
    answers = []
    async with _client(base + "/api/v1", address, workers, headers={"Authorization": f"Bearer {token}"}) as client:
        async def send(worker):
            n = 0
            while now() < until:
                n += 1
                started = now()
                try:
                    response = await client.post(f"/chat-sessions/{session_id}/messages",
                                                 json={"body": f"Flood {worker}-{n}"})
                except httpx.HTTPError as error:
                    answers.append(Answer(started, type(error).__name__))
                    continue
                answers.append(_answer(started, response))
        await asyncio.gather(*(send(worker) for worker in range(workers)))
    return answers
