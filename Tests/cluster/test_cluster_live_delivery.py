"""Live delivery across instances: what is sent through one instance reaches sockets held by the
others, and the admin panel's unread badge served by a third instance follows."""
import asyncio
import contextlib
import json
import time
import uuid

import httpx
import pytest

from cluster import ADMIN_EMAIL, ADMIN_PASSWORD, WATCH_FOR, seed_pairs
from parley_api import TIMEOUT, admin_session, async_api, next_event, realtime

LIVE_WITHIN = 2.0  # seconds from a send's answer to the event on a socket


@pytest.fixture(scope="module")
def pairs(cluster):
    return seed_pairs(cluster, 4)


async def send(client, pair, body):
    r = await client.post(f"/chat-sessions/{pair.session_id}/messages",
                          json={"body": body, "client_message_id": str(uuid.uuid4())})
    assert r.status_code == 201, r.text
    return r.json()


async def arrives(ws, message, where):
    """Waits for `message` to arrive on `ws` as message.created (skipping other messages of the
    conversation: a socket hears its own side's sends too); returns the seconds it took."""
    started = time.monotonic()
    while True:
        try:
            event = await next_event(ws, "message.created", message["chat_session_id"],
                                     timeout=max(0.0, started + LIVE_WITHIN - time.monotonic()))
        except asyncio.TimeoutError:
            raise AssertionError(f"message {message['id']} did not reach {where} within {LIVE_WITHIN} s") from None
        if event["data"]["id"] == message["id"]:
            assert event["data"] == message
            return time.monotonic() - started


def test_a_customer_on_one_instance_and_a_vendor_on_another_exchange_messages_live(cluster, pairs):
    pair = pairs[0]
    a, b = cluster.instances[0], cluster.instances[1]

    async def scenario():
        customer_ws = await realtime(a.base, pair.customer_token)
        vendor_ws = await realtime(b.base, pair.vendor_token)
        try:
            async with async_api(a.base, pair.customer_token) as customer, \
                    async_api(b.base, pair.vendor_token) as vendor:
                answer = await send(vendor, pair, "Yes, it ships tomorrow.")
                delay = await arrives(customer_ws, answer, f"the customer's socket on {a.name}")
                print(f"vendor on {b.name} -> customer on {a.name}: {delay * 1000:.1f} ms after the answer")
                question = await send(customer, pair, "Great, and the colour?")
                delay = await arrives(vendor_ws, question, f"the vendor's socket on {b.name}")
                print(f"customer on {a.name} -> vendor on {b.name}: {delay * 1000:.1f} ms after the answer")
        finally:
            await customer_ws.close()
            await vendor_ws.close()
    asyncio.run(scenario())


def test_a_customer_and_a_vendor_exchange_messages_live_through_nginx(cluster, pairs):
    """Both sockets and every send go through nginx, which spreads them over the instances: each
    socket hears every message of the conversation, its own side's and the other's."""
    pair = pairs[1]
    proxy, tls = cluster.proxy.base, cluster.tls

    async def scenario():
        customer_ws = await realtime(proxy, pair.customer_token, tls=tls)
        vendor_ws = await realtime(proxy, pair.vendor_token, tls=tls)
        try:
            async with async_api(proxy, pair.customer_token, tls=tls) as customer, \
                    async_api(proxy, pair.vendor_token, tls=tls) as vendor:
                for turn in range(3):
                    question = await send(customer, pair, f"Question {turn}")
                    for ws, who in ((vendor_ws, "vendor"), (customer_ws, "customer")):
                        await arrives(ws, question, f"the {who}'s socket through nginx")
                    answer = await send(vendor, pair, f"Answer {turn}")
                    for ws, who in ((customer_ws, "customer"), (vendor_ws, "vendor")):
                        await arrives(ws, answer, f"the {who}'s socket through nginx")
        finally:
            await customer_ws.close()
            await vendor_ws.close()
    asyncio.run(scenario())


def test_the_admin_unread_badge_served_by_a_third_instance_follows(cluster, pairs):
    """The badge (server-sent events from /admin/events) on instance 3 moves when a customer sends
    through instance 1 and when the vendor reads through instance 2."""
    pair = pairs[2]
    a, b, c = cluster.instances
    with contextlib.closing(admin_session(c.base, ADMIN_EMAIL, ADMIN_PASSWORD)) as admin:
        cookies = dict(admin.cookies)

    def unread_total():
        [[total]] = cluster.query("SELECT COALESCE(SUM(unread_count), 0) FROM chat_sessions")
        return int(total)

    async def scenario():
        totals = asyncio.Queue()
        latest = []

        async def watch_badge():
            async with httpx.AsyncClient(base_url=c.base, cookies=cookies, timeout=None) as client:
                async with client.stream("GET", "/admin/events", headers={"Accept": "text/event-stream"}) as r:
                    assert r.status_code == 200, r.status_code
                    event = None
                    async for line in r.aiter_lines():
                        if line.startswith("event: "):
                            event = line[len("event: "):]
                        elif line.startswith("data: ") and event == "unread":
                            latest.append(int(line[len("data: "):]))
                            totals.put_nowait(latest[-1])

        async def badge_shows(expected, what):
            started = time.monotonic()
            try:
                while await asyncio.wait_for(totals.get(), started + WATCH_FOR - time.monotonic()) != expected:
                    pass
            except asyncio.TimeoutError:
                raise AssertionError(f"the badge on {c.name} shows {latest[-1] if latest else 'nothing'} while the "
                                     f"database holds {expected} unread, {WATCH_FOR} s after {what}") from None
            return time.monotonic() - started

        watcher = asyncio.create_task(watch_badge())
        try:
            await badge_shows(unread_total(), "the badge was opened")
            async with async_api(a.base, pair.customer_token) as customer:
                await send(customer, pair, "Is anyone there?")
            after_send = unread_total()
            seconds = await badge_shows(after_send, f"a customer sent through {a.name}")
            print(f"badge on {c.name} showed the send through {a.name} after {seconds * 1000:.0f} ms")
            async with async_api(b.base, pair.vendor_token) as vendor:
                r = await vendor.post(f"/chat-sessions/{pair.session_id}/read")
                assert r.status_code == 200 and r.json()["marked_read"] == 1, r.text
            after_read = unread_total()
            assert after_read == after_send - 1
            seconds = await badge_shows(after_read, f"the vendor read through {b.name}")
            print(f"badge on {c.name} showed the read through {b.name} after {seconds * 1000:.0f} ms")
        finally:
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
    asyncio.run(scenario())
