"""State that must hold on every instance within a second of being changed on one (issue 10): a
revoked API token, and the "Enable Chat in Mobile App" switch, which also closes open sockets."""
import asyncio
import contextlib
import time

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from cluster import ADMIN_EMAIL, ADMIN_PASSWORD, CLUSTER_WIDE_WITHIN, WATCH_FOR, poll, seed_pairs
from parley_api import TIMEOUT, admin_session, async_api, bearer, realtime, set_chat_enabled, ws_url

CHAT_SWITCH_CACHE = 1.0  # ChatSwitch.maximumAge: how stale an instance's view of the switch may be today


@pytest.fixture(scope="module")
def pairs(cluster):
    return seed_pairs(cluster, 4)


@pytest.fixture(scope="module")
def admin(cluster):
    """The admin panel, signed in on instance 1."""
    with contextlib.closing(admin_session(cluster.instances[0].base, ADMIN_EMAIL, ADMIN_PASSWORD)) as client:
        yield client


@pytest.fixture
def chat_comes_back_on(cluster, admin):
    """Switches chat on again after the test, and waits until every instance says so."""
    yield
    set_chat_enabled(admin, True)

    async def everywhere_on():
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            answers = [await client.get(instance.base + "/api/v1/config") for instance in cluster.instances]
        return all(r.json() == {"chat_enabled": True} for r in answers)
    on, _ = asyncio.run(poll(everywhere_on, WATCH_FOR))
    assert on, "chat did not come back on everywhere"


async def refused_after(client, started):
    """Seconds from `started` until `client` (an instance's API with a token) is answered 401,
    polling; None if it is still accepted after WATCH_FOR seconds."""
    async def refused():
        return (await client.get("/unread-count")).status_code == 401
    done, _ = await poll(refused, WATCH_FOR)
    return time.monotonic() - started if done else None


def test_a_token_revoked_through_one_instance_is_refused_by_the_others_within_1_s(cluster, pairs):
    pair = pairs[0]
    a, b, c = cluster.instances

    async def scenario():
        async with async_api(a.base, pair.customer_token) as on_a, async_api(b.base, pair.customer_token) as on_b, \
                async_api(c.base, pair.customer_token) as on_c:
            # Every instance has just seen the token work (and may remember it).
            for client in (on_a, on_b, on_c):
                r = await client.get("/unread-count")
                assert r.status_code == 200, r.text
            revoked = await on_a.delete("/auth/token")
            started = time.monotonic()
            assert revoked.status_code == 204, revoked.text
            assert (await on_a.get("/unread-count")).status_code == 401
            return await asyncio.gather(refused_after(on_b, started), refused_after(on_c, started))

    seconds = dict(zip((b.name, c.name), asyncio.run(scenario())))
    print("revoked token refused after: " + ", ".join(
        f"{name} {'never (watched %.0f s)' % WATCH_FOR if s is None else '%.0f ms' % (s * 1000)}"
        for name, s in seconds.items()))
    late = {name: s for name, s in seconds.items() if s is None or s >= CLUSTER_WIDE_WITHIN}
    assert not late, f"still accepted {CLUSTER_WIDE_WITHIN} s after it was revoked on {a.name}: {late}"


async def closed_after(ws, started):
    """(seconds from `started` until the server closed `ws`, its close code and reason), or None
    when it is still open after WATCH_FOR seconds."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), max(0.0, started + WATCH_FOR - time.monotonic()))
    except ConnectionClosed as closed:
        code, reason = (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, None)
        return time.monotonic() - started, code, reason
    except asyncio.TimeoutError:
        return None


def test_switching_chat_off_through_one_instance_closes_sockets_held_by_the_others(
        cluster, pairs, admin, chat_comes_back_on):
    a, b, c = cluster.instances
    pair = pairs[1]

    async def scenario():
        sockets = {b.name: await realtime(b.base, pair.customer_token),
                   c.name: await realtime(c.base, pair.vendor_token)}
        try:
            started = await asyncio.to_thread(set_chat_enabled, admin, False)
            outcomes = await asyncio.gather(*(closed_after(ws, started) for ws in sockets.values()))
            return dict(zip(sockets, outcomes))
        finally:
            for ws in sockets.values():
                await ws.close()

    outcomes = asyncio.run(scenario())
    print(f"chat switched off on {a.name}; sockets: " + ", ".join(
        f"{name} {'still open after %.0f s' % WATCH_FOR if o is None else 'closed after %.0f ms' % (o[0] * 1000)}"
        for name, o in outcomes.items()))
    for name, outcome in outcomes.items():
        assert outcome is not None, f"the socket on {name} was still open {WATCH_FOR} s after chat was switched off"
        seconds, code, reason = outcome
        assert (code, reason) == (1008, "chat_disabled"), f"{name}: closed with {code} {reason!r}"
        assert seconds < CLUSTER_WIDE_WITHIN, f"{name} closed its socket {seconds:.2f} s after the switch"


async def socket_refused(base, token):
    """Whether a new socket on `base` is closed at once with 1008 chat_disabled."""
    ws = await asyncio.wait_for(connect(ws_url(base), additional_headers=bearer(token)), TIMEOUT)
    try:
        first = await asyncio.wait_for(ws.recv(), TIMEOUT)
    except ConnectionClosed as closed:
        return closed.rcvd is not None and (closed.rcvd.code, closed.rcvd.reason) == (1008, "chat_disabled")
    finally:
        await ws.close()
    assert '"connection.ready"' in first, first
    return False


def test_while_chat_is_off_every_instance_refuses_sockets_and_chat_requests(cluster, pairs, admin, chat_comes_back_on):
    """Switched off on instance 1, chat is off on all three: new sockets are closed with
    chat_disabled and chat requests answer 403 chat_disabled. Each instance is given the second
    it may take today (ChatSwitch.maximumAge) to notice, and a margin."""
    pair = pairs[2]

    async def scenario():
        started = await asyncio.to_thread(set_chat_enabled, admin, False)
        seen = {}
        for instance in cluster.instances:
            async with async_api(instance.base, pair.customer_token) as client:
                async def refuses():
                    r = await client.get("/chat-sessions")
                    return (r.status_code == 403 and r.json()["error"]["code"] == "chat_disabled"
                            and await socket_refused(instance.base, pair.customer_token))
                done, _ = await poll(refuses, CHAT_SWITCH_CACHE + 1.0)
                seen[instance.name] = time.monotonic() - started if done else None
                r = await client.post(f"/chat-sessions/{pair.session_id}/messages", json={"body": "anyone?"})
                assert r.status_code == 403 and r.json()["error"]["code"] == "chat_disabled", r.text
        return seen

    seen = asyncio.run(scenario())
    print("chat off seen by: " + ", ".join(
        f"{name} {'never' if s is None else '%.0f ms' % (s * 1000)}" for name, s in seen.items()))
    assert all(s is not None for s in seen.values()), seen
