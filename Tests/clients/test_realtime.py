"""Two users on their own connections, from outside the server process: live delivery, read
receipts, unread counts, the chat switch closing sockets, and other people's sessions staying
hidden. See conftest.py for the server and helpers."""
import asyncio
import time
import uuid

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from conftest import TIMEOUT, Conversation, api, async_api, next_event, realtime, set_chat_enabled, ws_url


def test_message_from_customer_arrives_live_at_vendor(server, conversation):
    async def scenario():
        vendor_ws = await realtime(server, conversation.vendor_token)
        customer_ws = await realtime(server, conversation.customer_token)
        try:
            body = f"Is this still available? {uuid.uuid4()}"
            async with async_api(server, conversation.customer_token) as customer:
                # Listen first, then send: the clock runs from the request to the frame.
                received = asyncio.create_task(next_event(vendor_ws, "message.created", conversation.id))
                started = time.perf_counter()
                sent = await customer.post(f"/chat-sessions/{conversation.id}/messages",
                                           json={"body": body, "client_message_id": str(uuid.uuid4())})
                answered = time.perf_counter()
                event = await received
                delay_ms = (time.perf_counter() - started) * 1000
            assert sent.status_code == 201, sent.text
            print(f"delivery delay: {delay_ms:.1f} ms (HTTP answer after {(answered - started) * 1000:.1f} ms)")
            message = sent.json()
            assert event["data"] == message
            assert message["body"] == body
            assert message["sender_id"] == conversation.customer["id"]
            assert message["sender_role"] == "customer"
            assert message["chat_session_id"] == conversation.id
            assert delay_ms < 2000
            # The sender's other connection (another device) hears it too.
            own = await next_event(customer_ws, "message.created", conversation.id)
            assert own["data"] == message
        finally:
            await vendor_ws.close()
            await customer_ws.close()
    asyncio.run(scenario())


def test_read_receipt_reaches_the_sender(server, conversation):
    async def scenario():
        customer_ws = await realtime(server, conversation.customer_token)
        try:
            async with async_api(server, conversation.customer_token) as customer, \
                    async_api(server, conversation.vendor_token) as vendor:
                sent = await customer.post(f"/chat-sessions/{conversation.id}/messages", json={"body": "Hello?"})
                assert sent.status_code == 201, sent.text
                message = sent.json()
                assert message.get("read_at") is None
                await next_event(customer_ws, "message.created", conversation.id)

                started = time.perf_counter()
                read = await vendor.post(f"/chat-sessions/{conversation.id}/read",
                                         json={"up_to_message_id": message["id"]})
                event = await next_event(customer_ws, "messages.read", conversation.id)
                delay_ms = (time.perf_counter() - started) * 1000
                print(f"read receipt delay: {delay_ms:.1f} ms")
                assert read.status_code == 200, read.text
                assert read.json() == {"marked_read": 1, "unread_count": 0}
                assert event["data"] == {
                    "chat_session_id": conversation.id,
                    "reader_id": conversation.vendor["id"],
                    "count": 1,
                    "up_to_message_id": message["id"],
                }
                assert delay_ms < 2000
                # The message itself now carries its read time.
                history = await customer.get(f"/chat-sessions/{conversation.id}/messages")
                [stored] = [m for m in history.json()["data"] if m["id"] == message["id"]]
                assert stored["read_at"] is not None
        finally:
            await customer_ws.close()
    asyncio.run(scenario())


def test_unread_count_moves_up_on_message_and_down_on_read(server, conversation):
    with api(server, conversation.customer_token) as customer, api(server, conversation.vendor_token) as vendor:
        def unread():
            r = vendor.get("/unread-count")
            assert r.status_code == 200, r.text
            return r.json()["unread_count"]

        before = unread()
        sent = customer.post(f"/chat-sessions/{conversation.id}/messages", json={"body": "Any news?"})
        assert sent.status_code == 201, sent.text
        assert unread() == before + 1
        session = vendor.get(f"/chat-sessions/{conversation.id}").json()
        assert session["unread_count"] == 1
        # The sender has nothing to read in this session.
        assert customer.get(f"/chat-sessions/{conversation.id}").json()["unread_count"] == 0

        read = vendor.post(f"/chat-sessions/{conversation.id}/read")
        assert read.status_code == 200, read.text
        assert read.json()["marked_read"] == 1
        assert unread() == before
        assert vendor.get(f"/chat-sessions/{conversation.id}").json()["unread_count"] == 0


def test_a_repeated_client_message_id_is_not_sent_twice(server, conversation):
    async def scenario():
        vendor_ws = await realtime(server, conversation.vendor_token)
        try:
            async with async_api(server, conversation.customer_token) as customer:
                payload = {"body": "Sent once, retried once", "client_message_id": str(uuid.uuid4())}
                first = await customer.post(f"/chat-sessions/{conversation.id}/messages", json=payload)
                again = await customer.post(f"/chat-sessions/{conversation.id}/messages", json=payload)
                assert (first.status_code, again.status_code) == (201, 200), (first.text, again.text)
                assert again.json() == first.json()
                event = await next_event(vendor_ws, "message.created", conversation.id)
                assert event["data"]["id"] == first.json()["id"]
                # No second message.created for the retry.
                with pytest.raises(asyncio.TimeoutError):
                    await next_event(vendor_ws, "message.created", conversation.id, timeout=0.5)
        finally:
            await vendor_ws.close()
    asyncio.run(scenario())


def test_turning_chat_off_closes_the_socket(server, conversation, admin):
    async def scenario():
        customer_ws = await realtime(server, conversation.customer_token)
        vendor_ws = await realtime(server, conversation.vendor_token)
        try:
            await asyncio.to_thread(set_chat_enabled, admin, False)
            for ws in (customer_ws, vendor_ws):
                with pytest.raises(ConnectionClosed) as closed:
                    await asyncio.wait_for(ws.recv(), TIMEOUT)
                assert closed.value.rcvd is not None, "closed without a close frame"
                assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "chat_disabled")

            async with httpx.AsyncClient(base_url=server + "/api/v1", timeout=TIMEOUT) as anonymous:
                config = await anonymous.get("/config")
            assert config.json() == {"chat_enabled": False}
            async with async_api(server, conversation.customer_token) as customer:
                for request in (lambda: customer.get("/chat-sessions"),
                                lambda: customer.post(f"/chat-sessions/{conversation.id}/messages",
                                                      json={"body": "hi"}),
                                lambda: customer.get("/unread-count")):
                    r = await request()
                    assert r.status_code == 403, r.text
                    assert r.json()["error"]["code"] == "chat_disabled"

            # A new socket is upgraded and closed at once with the same reason: a refused upgrade
            # could only answer a bare 400.
            ws = await asyncio.wait_for(connect(ws_url(server) + f"?token={conversation.customer_token}"), TIMEOUT)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), TIMEOUT)
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "chat_disabled")
        finally:
            await customer_ws.close()
            await vendor_ws.close()
            await asyncio.to_thread(set_chat_enabled, admin, True)

        # Back on: the same clients work again.
        assert httpx.get(server + "/api/v1/config", timeout=TIMEOUT).json() == {"chat_enabled": True}
        ws = await realtime(server, conversation.customer_token)
        await ws.close()
    asyncio.run(scenario())


def test_a_forged_token_gets_a_close_frame_saying_unauthorized(server):
    async def scenario():
        ws = await asyncio.wait_for(connect(ws_url(server) + "?token=forged"), TIMEOUT)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), TIMEOUT)
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "unauthorized")
    asyncio.run(scenario())


def test_another_customers_session_is_not_found(server, conversation):
    other = Conversation(server)  # a different demo customer
    assert other.customer["id"] != conversation.customer["id"]
    with api(server, other.customer_token) as stranger:
        for r in (stranger.get(f"/chat-sessions/{conversation.id}"),
                  stranger.get(f"/chat-sessions/{conversation.id}/messages"),
                  stranger.post(f"/chat-sessions/{conversation.id}/messages", json={"body": "hello?"}),
                  stranger.post(f"/chat-sessions/{conversation.id}/read")):
            assert r.status_code == 404, r.text
            assert r.json()["error"]["code"] == "not_found"
        listed = stranger.get("/chat-sessions", params={"limit": 100}).json()["data"]
        assert conversation.id not in [s["id"] for s in listed]
    # Nothing was sent into the session on the stranger's behalf.
    with api(server, conversation.customer_token) as owner:
        assert owner.get(f"/chat-sessions/{conversation.id}/messages").json()["data"] == []


def test_an_unmasked_client_frame_fails_the_connection_with_1002(server, conversation):
    """RFC 6455 5.1: clients mask every frame; a server must close the connection when one is not."""
    import base64
    import os
    import socket
    import struct
    from urllib.parse import urlparse

    address = urlparse(server)
    with socket.create_connection((address.hostname, address.port), timeout=TIMEOUT) as raw:
        key = base64.b64encode(os.urandom(16)).decode()
        raw.sendall((f"GET /api/v1/realtime HTTP/1.1\r\nHost: {address.netloc}\r\nUpgrade: websocket\r\n"
                     f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                     f"Authorization: Bearer {conversation.customer_token}\r\n\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            received += raw.recv(4096)
        assert received.startswith(b"HTTP/1.1 101"), received
        frames = received.split(b"\r\n\r\n", 1)[1]
        raw.sendall(bytes([0x81, 5]) + b"hello")  # FIN + text, no mask bit
        deadline = time.monotonic() + TIMEOUT
        close_code = None
        while time.monotonic() < deadline and close_code is None:
            while len(frames) >= 2:
                opcode, length = frames[0] & 0x0F, frames[1] & 0x7F
                header = 2 if length < 126 else 4
                if length == 126:
                    length = struct.unpack(">H", frames[2:4])[0]
                if len(frames) < header + length:
                    break
                payload, frames = frames[header:header + length], frames[header + length:]
                if opcode == 0x8:
                    close_code = struct.unpack(">H", payload[:2])[0]
                    break
            if close_code is None:
                chunk = raw.recv(4096)
                if not chunk:
                    break
                frames += chunk
        assert close_code == 1002


def test_one_user_cannot_open_more_than_sixteen_sockets(server):
    other = Conversation(server)  # a user no other test holds sockets for

    async def scenario():
        sockets = [await realtime(server, other.vendor_token) for _ in range(16)]
        try:
            extra = await asyncio.wait_for(
                connect(ws_url(server), additional_headers={"Authorization": f"Bearer {other.vendor_token}"}),
                TIMEOUT)
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(extra.recv(), TIMEOUT)
            assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1008, "too_many_connections")
            # Closing one frees its place, as soon as the server has seen it close.
            await sockets.pop().close()
            deadline = time.monotonic() + TIMEOUT
            while True:
                try:
                    sockets.append(await realtime(server, other.vendor_token))
                    break
                except (ConnectionClosed, AssertionError):
                    assert time.monotonic() < deadline, "the closed socket's place was never freed"
        finally:
            for ws in sockets:
                await ws.close()
    asyncio.run(scenario())
