"""One instance killed with SIGKILL while clients are connected to it through nginx and messages
are flowing. Customers and vendors of a few conversations each hold a socket through nginx (twelve
sockets opened one after another, so round-robin gives each instance four) and send through nginx
at a steady pace; a send without a 2xx answer is sent again with its client_message_id. Once
enough sends are answered, one instance is killed. The clients it held reconnect through nginx,
which passes them to the others, and catch up with the API's `after=` cursor from the newest
message they hold, as the web client does. Each test judges one part of what was recorded."""
import asyncio
import dataclasses
import json
import time
import uuid

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, WebSocketException

from cluster import WATCH_FOR, seed_pairs
from parley_api import bearer, realtime

PAIRS = 6  # conversations: twelve clients, a customer and a vendor in each
SEND_EVERY = 0.5  # seconds between a client's sends: within PARLEY_SEND_RATE's 20 per 10 s, even on one instance
KILL_AFTER = 30  # answered sends before the kill
AFTER_RECONNECT = 30  # answered sends after every cut client is back, before sending stops
RECONNECT_WITHIN = 5.0  # seconds from the kill until every cut client is connected again
SEND_GIVES_UP = 20.0  # seconds a send is retried before the client gives up on it
STAGE_DEADLINE = 30.0  # seconds any stage of the scenario may take before the test fails
KILLED = 1  # index of the instance killed


@dataclasses.dataclass
class Send:
    client_message_id: str
    body: str
    attempts: list = dataclasses.field(default_factory=list)  # status code, or the exception's name
    started: float = 0.0
    message: dict | None = None  # the 2xx answer's message

    @property
    def answered(self):
        return self.message is not None


@dataclasses.dataclass
class Connection:
    opened: float
    ids: list = dataclasses.field(default_factory=list)  # message.created ids, as they arrived
    closed: float | None = None
    close: str = ""  # how it ended


@dataclasses.dataclass
class CatchUp:
    after: int  # the cursor it started from: the newest message the client held
    ids: list = dataclasses.field(default_factory=list)  # every id the pages returned, in order
    finished: bool = False


@dataclasses.dataclass(eq=False)
class Client:
    """A customer or vendor: one socket at a time through nginx, sends through nginx."""
    role: str
    token: str
    session_id: int
    connections: list = dataclasses.field(default_factory=list)
    catch_ups: list = dataclasses.field(default_factory=list)
    sends: list = dataclasses.field(default_factory=list)
    view: dict = dataclasses.field(default_factory=dict)  # id: message, from sockets and catch-ups
    failed_connects: int = 0

    def __repr__(self):
        return f"<{self.role} of session {self.session_id}>"

    @property
    def cut(self):
        """Whether the kill ended one of its sockets (it then has a later one)."""
        return len(self.connections) > 1 or any(c.closed is not None for c in self.connections)


@dataclasses.dataclass(repr=False)
class Report:
    clients: list = dataclasses.field(default_factory=list)
    killed: str = ""
    killed_at: float = 0.0
    in_flight_at_kill: int = 0
    answered_before_kill: int = 0
    reconnected_after: float | None = None  # seconds from the kill until every cut client was back
    stored: dict = dataclasses.field(default_factory=dict)  # session id: its messages, read afterwards
    covered_after: float | None = None  # seconds after sending stopped until every view was whole
    failure: str = ""  # what stopped the scenario early

    def sends(self):
        return [send for client in self.clients for send in client.sends]


class Scenario:
    def __init__(self, cluster, pairs):
        self.cluster = cluster
        self.proxy, self.tls = cluster.proxy.base, cluster.tls
        self.report = Report()
        for pair in pairs:
            self.report.clients.append(Client("customer", pair.customer_token, pair.session_id))
            self.report.clients.append(Client("vendor", pair.vendor_token, pair.session_id))
        self.answered = 0
        self.progress = asyncio.Event()  # set at every answered send and every reconnection
        self.sending = True

    def note_progress(self):
        self.progress.set()

    async def wait_for(self, condition, what, within=STAGE_DEADLINE):
        """Returns once `condition()` holds, checking it whenever a send is answered or a socket
        hears something; fails after `within` seconds."""
        deadline = time.monotonic() + within
        while True:
            self.progress.clear()
            if condition():
                return
            try:
                await asyncio.wait_for(self.progress.wait(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                if not condition():
                    raise AssertionError(f"{what}: not within {within} s") from None

    # --- sockets --------------------------------------------------------------------------------

    async def connect(self, client):
        while True:
            try:
                return await realtime(self.proxy, client.token, tls=self.tls)
            except (OSError, WebSocketException, asyncio.TimeoutError, AssertionError) as error:
                client.failed_connects += 1
                if client.failed_connects > 100:
                    raise AssertionError(f"{client} could not reconnect: {error!r}") from None
                await asyncio.sleep(0.1)  # a client's pause before trying again

    async def hold_socket(self, client, ws):
        """Reads the socket; when it ends, reconnects through nginx and catches up."""
        async with httpx.AsyncClient(base_url=self.proxy + "/api/v1", verify=self.tls, headers=bearer(client.token),
                                     timeout=10) as api:
            while True:
                connection = Connection(time.monotonic())
                client.connections.append(connection)
                if len(client.connections) > 1:
                    await self.catch_up(client, api)
                    self.note_progress()
                try:
                    async for text in ws:
                        event = json.loads(text)
                        data = event.get("data", {})
                        if event["type"] == "message.created" and data.get("chat_session_id") == client.session_id:
                            connection.ids.append(data["id"])
                            client.view[data["id"]] = data
                            self.note_progress()
                    connection.close = f"closed {ws.close_code} {ws.close_reason}"
                except ConnectionClosed as closed:
                    connection.close = f"cut: {closed!r}"
                except asyncio.CancelledError:
                    connection.close = "closed by the test"
                    await ws.close()
                    raise
                connection.closed = time.monotonic()
                ws = await self.connect(client)

    async def catch_up(self, client, api):
        """GET …/messages?after=<newest held>, page after page, as the web client does after a reconnect."""
        catch_up = CatchUp(max(client.view, default=0))
        client.catch_ups.append(catch_up)
        after = catch_up.after
        while True:
            r = await self.retried(lambda: api.get(f"/chat-sessions/{client.session_id}/messages",
                                                   params={"after": after, "limit": 100}))
            page = r.json()
            for message in page["data"]:
                catch_up.ids.append(message["id"])
                client.view[message["id"]] = message
            if page["next_cursor"] is None:
                catch_up.finished = True
                return
            after = int(page["next_cursor"])

    async def retried(self, request):
        """A GET through nginx, again after a pause while it fails (nginx may still be finding out)."""
        deadline = time.monotonic() + 10
        while True:
            try:
                r = await request()
                if r.status_code == 200:
                    return r
                problem = f"{r.status_code} {r.text[:200]}"
            except httpx.TransportError as error:
                problem = repr(error)
            assert time.monotonic() < deadline, problem
            await asyncio.sleep(0.1)

    # --- sends ----------------------------------------------------------------------------------

    async def keep_sending(self, client):
        async with httpx.AsyncClient(base_url=self.proxy + "/api/v1", verify=self.tls, headers=bearer(client.token),
                                     timeout=10) as api:
            number = 0
            while self.sending:
                number += 1
                send = Send(str(uuid.uuid4()), f"{client.role} message {number} in session {client.session_id}")
                client.sends.append(send)
                await self.deliver(api, client, send)
                await asyncio.sleep(SEND_EVERY)

    async def deliver(self, api, client, send):
        """Sends until answered 2xx (with the same client_message_id every time) or SEND_GIVES_UP."""
        send.started = time.monotonic()
        while time.monotonic() < send.started + SEND_GIVES_UP:
            try:
                r = await api.post(f"/chat-sessions/{client.session_id}/messages",
                                   json={"body": send.body, "client_message_id": send.client_message_id})
            except httpx.TransportError as error:
                send.attempts.append(type(error).__name__)
                await asyncio.sleep(0.1)
                continue
            send.attempts.append(r.status_code)
            if 200 <= r.status_code < 300:
                send.message = r.json()
                self.answered += 1
                self.note_progress()
                return
            assert r.status_code in (429, 502, 503, 504), f"{client}: {r.status_code} {r.text[:300]}"
            await asyncio.sleep(float(r.headers.get("retry-after", 0.1)))

    # --- the run --------------------------------------------------------------------------------

    async def run(self):
        report = self.report
        # Opened one after another, before any other request: round-robin gives each instance its share.
        sockets = [await realtime(self.proxy, client.token, tls=self.tls) for client in report.clients]
        readers = [asyncio.create_task(self.hold_socket(client, ws)) for client, ws in zip(report.clients, sockets)]
        senders = [asyncio.create_task(self.keep_sending(client)) for client in report.clients]
        try:
            await self.wait_for(lambda: self.answered >= KILL_AFTER, f"{KILL_AFTER} answered sends")
            report.in_flight_at_kill = sum(1 for send in report.sends() if not send.answered)
            report.answered_before_kill = self.answered
            victim = self.cluster.instances[KILLED]
            report.killed, report.killed_at = victim.name, time.monotonic()
            victim.kill()

            def everyone_back():
                cut = [client for client in report.clients if client.cut]
                return cut and all(client.connections[-1].closed is None and client.catch_ups
                                   and client.catch_ups[-1].finished for client in cut)
            try:
                await self.wait_for(everyone_back, "every client cut by the kill connected again and caught up",
                                    within=RECONNECT_WITHIN)
                report.reconnected_after = time.monotonic() - report.killed_at
            except AssertionError as error:
                report.failure = str(error)
            target = self.answered + AFTER_RECONNECT
            await self.wait_for(lambda: self.answered >= target, f"{AFTER_RECONNECT} more answered sends")
            self.sending = False
            await asyncio.wait_for(asyncio.gather(*senders), SEND_GIVES_UP + 5)
            stopped = time.monotonic()

            def covered():
                return all(set(client.view) >= self.answered_ids(client.session_id) for client in report.clients)
            try:
                await self.wait_for(covered, "every client holding every answered message", within=WATCH_FOR)
                report.covered_after = time.monotonic() - stopped
            except AssertionError:
                pass
        finally:
            self.sending = False
            for task in readers + senders:
                task.cancel()
            await asyncio.gather(*readers, *senders, return_exceptions=True)
        report.stored = await self.stored_messages()

    def answered_ids(self, session_id):
        return {send.message["id"] for client in self.report.clients if client.session_id == session_id
                for send in client.sends if send.answered}

    async def stored_messages(self):
        """Every message of each conversation, read afterwards through a surviving instance."""
        stored = {}
        base = self.cluster.instances[(KILLED + 1) % len(self.cluster.instances)].base
        async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=10) as api:
            for client in self.report.clients[::2]:  # each conversation's customer
                messages, after = [], 0
                while True:
                    r = await api.get(f"/chat-sessions/{client.session_id}/messages",
                                      params={"after": after, "limit": 100}, headers=bearer(client.token))
                    assert r.status_code == 200, r.text
                    messages += r.json()["data"]
                    if r.json()["next_cursor"] is None:
                        break
                    after = int(r.json()["next_cursor"])
                stored[client.session_id] = messages
        return stored


@pytest.fixture(scope="module")
def report(cluster):
    pairs = seed_pairs(cluster, PAIRS)
    scenario = Scenario(cluster, pairs)
    asyncio.run(scenario.run())
    report = scenario.report
    print(summary(report))
    return report


def summary(report):
    sends = report.sends()
    retried = [send for send in sends if len(send.attempts) > 1]
    cut = [client for client in report.clients if client.cut]
    return (f"\n{report.killed} killed after {report.answered_before_kill} answered sends, {report.in_flight_at_kill} "
            f"in flight; {len(cut)} of {len(report.clients)} clients cut, back after "
            f"{'-' if report.reconnected_after is None else '%.2f s' % report.reconnected_after}; "
            f"{len(sends)} sends, {sum(1 for s in sends if s.answered)} answered, {len(retried)} sent more than once "
            f"({', '.join(sorted({str(a) for s in retried for a in s.attempts[:-1]})) or 'none'}); every view whole "
            f"{'never' if report.covered_after is None else '%.2f s after sending stopped' % report.covered_after}"
            + "".join(f"\n  {client}: " + "; ".join(f"{c.close or 'open'} after {(c.closed or 0) - report.killed_at:+.2f} s"
                                                     for c in client.connections if c.closed) for client in cut))


def test_the_kill_lands_while_clients_are_connected_to_the_instance_and_messages_flow(report):
    assert report.killed, report.failure
    assert report.answered_before_kill >= KILL_AFTER, summary(report)
    cut = [client for client in report.clients if client.cut]
    assert cut, f"no client had its socket on {report.killed}"
    answered_after = [s for s in report.sends() if s.answered and s.started > report.killed_at]
    assert answered_after, "nothing was answered after the kill"


def test_clients_of_the_killed_instance_reconnect_through_nginx_to_the_others(report):
    cut = [client for client in report.clients if client.cut]
    assert report.reconnected_after is not None, report.failure or summary(report)
    for client in cut:
        assert len(client.connections) >= 2 and client.connections[-1].closed is None, client
        assert len(client.catch_ups) == len(client.connections) - 1, client
        assert all(catch_up.finished for catch_up in client.catch_ups), client


def test_every_send_answered_2xx_is_stored_exactly_once(report):
    stored_by_key = {}
    for messages in report.stored.values():
        for message in messages:
            stored_by_key.setdefault(message["client_message_id"], []).append(message)
    twice = {key: len(found) for key, found in stored_by_key.items() if len(found) > 1}
    assert not twice, twice
    answered = [send for send in report.sends() if send.answered]
    missing = [send.client_message_id for send in answered if send.client_message_id not in stored_by_key]
    assert not missing, f"{len(missing)} of {len(answered)} answered sends are not stored: {missing[:5]}"
    for send in answered:
        assert stored_by_key[send.client_message_id][0]["id"] == send.message["id"]
    unanswered = [send for send in report.sends() if not send.answered and send.attempts]
    assert not unanswered, (f"{len(unanswered)} sends were never answered 2xx in {SEND_GIVES_UP} s of trying: "
                            f"{[send.attempts for send in unanswered[:3]]}")


def test_catching_up_after_a_reconnect_returns_stored_messages_after_the_cursor_once_in_order(report):
    """What one catch-up returns; whether the client then holds everything is judged below (a
    message committed after the catch-up read, with a lower id than one it returned, must come
    live on the new socket, which was open before the catch-up began)."""
    caught_up = 0
    for client in report.clients:
        stored = {message["id"] for message in report.stored[client.session_id]}
        for catch_up in client.catch_ups:
            caught_up += 1
            assert catch_up.finished, (client, catch_up)
            assert all(i > catch_up.after for i in catch_up.ids), (client, catch_up)
            assert catch_up.ids == sorted(set(catch_up.ids)), (client, catch_up)
            assert set(catch_up.ids) <= stored, (client, catch_up)
    assert caught_up, "no client caught up"


def test_every_client_ends_with_every_message_once_and_no_gap(report):
    """Live events and catch-ups together leave each client every message of its conversation; no
    socket delivers one twice."""
    problems = []
    for client in report.clients:
        stored = [message["id"] for message in report.stored[client.session_id]]
        held = sorted(client.view)
        if held != stored:
            missing = sorted(set(stored) - set(held))
            problems.append(f"{client}: {len(missing)} of {len(stored)} messages never reached it "
                            f"(e.g. {missing[:5]})")
        for number, connection in enumerate(client.connections, start=1):
            if len(set(connection.ids)) != len(connection.ids):
                problems.append(f"{client}: socket {number} delivered a message twice")
    assert not problems, f"{len(problems)} of {len(report.clients)} clients:\n" + "\n".join(problems)
