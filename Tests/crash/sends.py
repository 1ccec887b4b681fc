"""Sends from many clients at once, each recorded with what became of it, and what the database
holds afterwards, read through the API. The crash tests (test_*.py) stop the server in the middle
of such a burst and compare the two."""
import asyncio
import dataclasses
import itertools
import ssl
import time
import uuid

import httpx

from parley_process import seed_conversations as seed_senders  # noqa: F401 (the tests call s.seed_senders)

# How the crash tests run `parley serve`: sends unlimited (a burst is far past the per-user limit),
# no demo data (the senders are seeded with `parley seed --realtime-pairs`, tokens included, so
# nobody waits for bcrypt), a known administrator.
SERVER_ENV = {"PARLEY_SEND_RATE": "0", "PARLEY_DEMO": "0", "ADMIN_EMAIL": "crash-admin@parley.test",
              "ADMIN_PASSWORD": "crash-admin-password"}

# What became of a send.
ANSWERED = "answered"  # 2xx with the message
REFUSED = "refused"  # 503
OTHER_STATUS = "other status"  # any other answer
NOT_SENT = "not sent"  # the connection could not be opened, or the request not written whole
CUT = "cut"  # written whole, then the connection ended (or timed out) without an answer
PENDING = "pending"

# One TLS context for every client: httpx makes one per client otherwise, some 40 ms each, which
# held a 48-client burst back for two seconds (the API is plain HTTP; nothing uses it).
TLS = ssl.create_default_context()
SEND_TIMEOUT = 20  # seconds a send may take before it counts as cut; far past any graceful shutdown

# Printed at the end of the run (conftest.py), so the figures are seen even when every test passes.
SUMMARIES = []


@dataclasses.dataclass(frozen=True)
class Sender:
    """A participant writing in one conversation through their API token."""
    token: str
    user_id: int
    session_id: int
    role: str


@dataclasses.dataclass(eq=False)
class Send:
    sender: Sender
    client_message_id: str
    body: str
    outcome: str = PENDING
    status: int | None = None
    message: dict | None = None  # the answer's message, for 2xx
    retry_after: str | None = None
    error_code: str | None = None  # the JSON envelope's error.code
    error: str | None = None  # the exception, for sends without an answer
    new_connection: bool = False  # a connection was opened for this request (else a kept-alive one was reused)
    written: bool = False  # the whole request was handed to the connection
    written_at: float | None = None
    connection_header: str | None = None  # the answer's Connection header ("close" before a server hangs up)
    previous: "Send | None" = None  # the send its client made before it, on the same connection if kept alive
    started: float = 0.0
    ended: float = 0.0

    def again(self):
        """The same send, to be sent once more: same sender, body and client message id."""
        return Send(self.sender, self.client_message_id, self.body)


async def identify(base, conversations):
    """The senders of every conversation: its customer and its vendor."""
    senders = []
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=10) as client:
        for session_id, customer_token, vendor_token in conversations:
            r = await client.get(f"/chat-sessions/{session_id}", headers=_auth(customer_token))
            assert r.status_code == 200, r.text
            session = r.json()
            senders.append(Sender(customer_token, session["customer"]["id"], session_id, "customer"))
            senders.append(Sender(vendor_token, session["vendor"]["id"], session_id, "vendor"))
    return senders


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def client(base, connections=1):
    """An API client of its own, with its own connections (one by default, kept alive)."""
    return httpx.AsyncClient(base_url=base + "/api/v1", timeout=SEND_TIMEOUT, verify=TLS,
                             limits=httpx.Limits(max_connections=connections))


async def post(api, send):
    """Sends `send` through `api` and records what became of it."""
    async def trace(event, info):
        if event == "connection.connect_tcp.started":
            send.new_connection = True
        elif event == "http11.send_request_body.complete":
            send.written = True
            send.written_at = time.monotonic()

    send.started = time.monotonic()
    try:
        r = await api.post(f"/chat-sessions/{send.sender.session_id}/messages",
                           json={"body": send.body, "client_message_id": send.client_message_id},
                           headers=_auth(send.sender.token), extensions={"trace": trace})
    except httpx.TransportError as error:  # timeouts too
        send.ended = time.monotonic()
        send.error = f"{type(error).__name__}: {error}"
        send.outcome = CUT if send.written else NOT_SENT
        return send
    send.ended = time.monotonic()
    send.status = r.status_code
    send.retry_after = r.headers.get("retry-after")
    send.connection_header = r.headers.get("connection")
    if 200 <= r.status_code < 300:
        send.outcome = ANSWERED
        send.message = r.json()
    else:
        send.outcome = REFUSED if r.status_code == 503 else OTHER_STATUS
        try:
            send.error_code = r.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            send.error_code = None
        send.error = r.text[:300]
    return send


async def burst(base, senders, workers, keep_going, label, on_answer=lambda send: None, sends=None):
    """`workers` clients, each on its own connection, send one message after another, each with a
    client message id of its own, while `keep_going()`; a client stops at its first send that is
    not answered 2xx (the server is going away). Returns every send once every client has stopped;
    `on_answer` hears of each 2xx as it comes, and `sends`, when given, is the list they are added
    to as they start, for whoever wants to count those in flight."""
    sends = [] if sends is None else sends
    turns = itertools.count()

    async def work(index):
        previous = None
        async with client(base) as api:
            while keep_going():
                sender = senders[(index + next(turns)) % len(senders)]
                send = Send(sender, str(uuid.uuid4()), f"{label}: message from {sender.role} {sender.user_id}",
                            previous=previous)
                previous = send
                sends.append(send)
                await post(api, send)
                if send.outcome != ANSWERED:
                    return
                on_answer(send)

    await asyncio.gather(*(work(index) for index in range(workers)))
    return sends


async def resend(base, sends, at_once=16):
    """Each send once more with its client message id, `at_once` at a time; the new sends."""
    turns = asyncio.Semaphore(at_once)
    async with client(base, connections=at_once) as api:
        async def one(send):
            async with turns:
                return await post(api, send.again())
        return await asyncio.gather(*(one(send) for send in sends))


async def stored_messages(base, senders):
    """Every message the conversations hold, read through the API by their customers, as lists
    under each client message id (one message per id, unless a send was stored twice)."""
    stored = {}
    readers = {sender.session_id: sender.token for sender in senders if sender.role == "customer"}
    async with httpx.AsyncClient(base_url=base + "/api/v1", timeout=30) as api:
        for session_id, token in readers.items():
            after = 0
            while True:
                r = await api.get(f"/chat-sessions/{session_id}/messages", params={"after": after, "limit": 100},
                                  headers=_auth(token))
                assert r.status_code == 200, r.text
                page = r.json()
                for message in page["data"]:
                    stored.setdefault(message.get("client_message_id"), []).append(message)
                if page["next_cursor"] is None:
                    break
                after = int(page["next_cursor"])
    return stored


def same_message(answer, stored):
    """Whether the message a 2xx answered is the one stored (its id, sender, session and body)."""
    keys = ("id", "chat_session_id", "sender_id", "body", "client_message_id")
    return all(answer.get(key) == stored.get(key) for key in keys)


def counts(sends):
    """How many sends came to each outcome, in a fixed order."""
    order = [ANSWERED, REFUSED, NOT_SENT, CUT, OTHER_STATUS, PENDING]
    found = {outcome: sum(1 for send in sends if send.outcome == outcome) for outcome in order}
    return {outcome: n for outcome, n in found.items() if n or outcome in (ANSWERED, REFUSED, NOT_SENT, CUT)}


def describe(sends):
    return ", ".join(f"{n} {outcome}" for outcome, n in counts(sends).items())


def failures(sends):
    """The sends that got no answer, counted by exception and connection: "ConnectError on a new
    connection: 40, RemoteProtocolError, written, on a kept-alive connection: 2"."""
    found = {}
    for send in sends:
        if send.error and send.status is None:
            key = (f"{send.error.split(':')[0]}{', written' if send.written else ''} on a "
                   f"{'new' if send.new_connection else 'kept-alive'} connection")
            found[key] = found.get(key, 0) + 1
    return ", ".join(f"{key}: {n}" for key, n in sorted(found.items())) or "none"
