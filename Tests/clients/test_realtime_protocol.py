"""RFC 6455 on the realtime socket, from a plain TCP socket: frames are built by hand (masked, as a
client must) so the server meets what a WebSocket library would never send. Every failure must close
with the code the RFC names and then hang up; a close from either side must end in a closed
connection, within `RealtimeSocketHandler.closeGrace` when the client goes quiet. See conftest.py
for the server and helpers."""
import base64
import os
import select
import socket
import struct
import threading
import time
from urllib.parse import urlparse

import pytest

from conftest import TIMEOUT, api, sign_in
from parley_server import CUSTOMER_EMAILS

GRACE = 2.0  # RealtimeSocketHandler.closeGrace
MAX_MESSAGE = 1 << 16  # the upgrader's maxFrameSize, also the largest message the server takes
CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def frame(opcode, payload=b"", fin=True, rsv=0, length=None):
    """One masked client frame; `length` may claim a size other than the payload's."""
    size = len(payload) if length is None else length
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    if size < 126:
        header = bytes([first, 0x80 | size])
    elif size < 1 << 16:
        header = bytes([first, 0x80 | 126]) + struct.pack(">H", size)
    else:
        header = bytes([first, 0x80 | 127]) + struct.pack(">Q", size)
    key = os.urandom(4)
    stream = (key * (len(payload) // 4 + 1))[:len(payload)]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(payload), "big")
    return header + key + masked


def close_frame(code=None, reason=b""):
    return frame(CLOSE, b"" if code is None else struct.pack(">H", code) + reason)


class RawSocket:
    """A realtime socket upgraded by hand, reading the server's (unmasked) frames one by one."""

    def __init__(self, server, token, rcvbuf=None, maxseg=None, wait_until_ready=True):
        address = urlparse(server)
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if maxseg:  # small segments keep the server's send buffer small too
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, maxseg)
        self.sock.settimeout(TIMEOUT)
        self.sock.connect((address.hostname, address.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /api/v1/realtime HTTP/1.1\r\nHost: {address.netloc}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"Authorization: Bearer {token}\r\n\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = self.sock.recv(4096)
            assert chunk, received
            received += chunk
        assert received.startswith(b"HTTP/1.1 101"), received
        self.buffer = received.split(b"\r\n\r\n", 1)[1]
        if wait_until_ready:
            opcode, payload = self.next_frame()
            assert (opcode, b"connection.ready" in payload) == (TEXT, True), payload

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.sock.close()

    def send(self, *frames):
        self.sock.sendall(b"".join(frames))

    def _fill(self, deadline):
        """Reads more bytes; False once the server has hung up (FIN or reset)."""
        self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            return False
        self.buffer += chunk
        return bool(chunk)

    def next_frame(self, timeout=TIMEOUT):
        """(opcode, payload) of the server's next frame; None once it has hung up; raises
        socket.timeout when nothing comes."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 2:
                assert self.buffer[1] & 0x80 == 0, "a server must not mask its frames"
                size = self.buffer[1] & 0x7F
                header = {126: 4, 127: 10}.get(size, 2)
                if len(self.buffer) >= header:
                    if header > 2:
                        size = int.from_bytes(self.buffer[2:header], "big")
                    if len(self.buffer) >= header + size:
                        opcode, payload = self.buffer[0] & 0x0F, self.buffer[header:header + size]
                        self.buffer = self.buffer[header + size:]
                        return opcode, payload
            if not self._fill(deadline):
                return None

    def next_control_frame(self, timeout=TIMEOUT):
        """The next frame that is not an event (events of other tests' sessions may arrive)."""
        while (received := self.next_frame(timeout)) is not None and received[0] == TEXT:
            pass
        return received

    def close_code(self):
        """Code and reason of the server's close frame, reading past events to it."""
        received = self.next_control_frame()
        assert received is not None, "hung up without a close frame"
        opcode, payload = received
        assert opcode == CLOSE, received
        return struct.unpack(">H", payload[:2])[0], payload[2:].decode()

    def hangs_up(self, timeout):
        """True when the server closes the connection within `timeout` seconds; any frame it sends
        meanwhile fails the test."""
        try:
            received = self.next_frame(timeout)
        except socket.timeout:
            return False
        assert received is None, f"a frame after the close frame: {received}"
        return True


def fails_with(raw, code):
    """The server's close frame carries `code`, and the server then hangs up without waiting."""
    assert raw.close_code()[0] == code
    assert raw.hangs_up(TIMEOUT), "still open after failing the connection"
    return True


def echoes_close(raw, code=1000):
    """A client close is answered with the same code, then the connection closes: proof that no
    earlier frame broke the protocol."""
    raw.send(close_frame(code, b"done"))
    assert raw.close_code()[0] == code
    assert raw.hangs_up(TIMEOUT)
    return True


@pytest.fixture(scope="module")
def token(server):
    """A customer who listens on every socket of this file."""
    return sign_in(server, CUSTOMER_EMAILS[-1])[0]


@pytest.fixture
def raw(server, token):
    with RawSocket(server, token) as raw:
        yield raw


# --- Fragmented messages (RFC 6455 5.4) ------------------------------------------------------

def test_a_fragmented_text_message_with_a_ping_between_fragments_is_accepted(raw):
    raw.send(frame(TEXT, b"Hel", fin=False), frame(PING, b"mid-message"),
             frame(CONTINUATION, b"l", fin=False), frame(CONTINUATION, b"o"))
    assert raw.next_control_frame() == (PONG, b"mid-message")
    assert echoes_close(raw)


def test_a_code_point_split_across_fragments_is_accepted(raw):
    parrot = "🦜".encode()
    raw.send(frame(TEXT, b"caf\xc3", fin=False), frame(CONTINUATION, b"\xa9 " + parrot[:1], fin=False),
             frame(CONTINUATION, parrot[1:3], fin=False), frame(CONTINUATION, parrot[3:]))
    assert echoes_close(raw)


def test_a_continuation_frame_without_a_first_frame_fails_with_1002(raw):
    raw.send(frame(CONTINUATION, b"orphan"))
    assert fails_with(raw, 1002)


@pytest.mark.parametrize("opcode", [TEXT, BINARY])
def test_a_new_message_before_the_fragmented_one_ends_fails_with_1002(raw, opcode):
    raw.send(frame(TEXT, b"first half", fin=False), frame(opcode, b"another message"))
    assert fails_with(raw, 1002)


# --- Sizes -----------------------------------------------------------------------------------

def test_a_frame_at_the_size_limit_is_accepted(raw):
    raw.send(frame(BINARY, os.urandom(MAX_MESSAGE)))
    assert echoes_close(raw)


def test_a_frame_over_the_size_limit_fails_with_1009_before_its_payload_arrives(raw):
    raw.send(frame(BINARY, b"", length=MAX_MESSAGE + 1))  # the header alone
    assert fails_with(raw, 1009)


def test_a_fragmented_message_over_the_size_limit_fails_with_1009(raw):
    half = os.urandom(MAX_MESSAGE // 2 + 1)
    raw.send(frame(BINARY, half, fin=False), frame(CONTINUATION, half))
    assert fails_with(raw, 1009)


# --- Control frames (RFC 6455 5.5) -----------------------------------------------------------

@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
def test_a_control_frame_over_125_bytes_fails_with_1002(raw, opcode):
    raw.send(frame(opcode, struct.pack(">H", 1000) + b"x" * 124))
    assert fails_with(raw, 1002)


@pytest.mark.parametrize("opcode", [PING, PONG, CLOSE])
def test_a_fragmented_control_frame_fails_with_1002(raw, opcode):
    raw.send(frame(opcode, struct.pack(">H", 1000), fin=False))
    assert fails_with(raw, 1002)


# --- Frames no client may send (RFC 6455 5.2, 8.1) -------------------------------------------

@pytest.mark.parametrize("fragments", [
    [b"\xff"],
    [b"\xc0\xaf"],  # an overlong "/"
    [b"\xed\xa0\x80"],  # a UTF-16 surrogate
    [b"\xf4\x90\x80\x80"],  # past U+10FFFF
    [b"caf\xce", b"\xff"],  # broken across fragments
    [b"ends in the middle \xe2\x82", b""],  # a code point cut short by the last fragment
], ids=["ff", "overlong", "surrogate", "past-max", "across-fragments", "truncated"])
def test_invalid_utf8_in_a_text_message_fails_with_1007(raw, fragments):
    last = len(fragments) - 1
    raw.send(*(frame(TEXT if i == 0 else CONTINUATION, part, fin=i == last) for i, part in enumerate(fragments)))
    assert fails_with(raw, 1007)


@pytest.mark.parametrize("rsv", [0b100, 0b010, 0b001], ids=["rsv1", "rsv2", "rsv3"])
def test_reserved_bits_without_an_extension_fail_with_1002(raw, rsv):
    raw.send(frame(TEXT, b"compressed?", rsv=rsv))
    assert fails_with(raw, 1002)


@pytest.mark.parametrize("opcode", [0x3, 0x7, 0xB, 0xF])
def test_an_unknown_opcode_fails_with_1002(raw, opcode):
    raw.send(frame(opcode, b"?"))
    assert fails_with(raw, 1002)


# --- The closing handshake (RFC 6455 5.5.1, 7) -----------------------------------------------

@pytest.mark.parametrize("code", [1000, 1001, 1011, 3000, 4999])
def test_a_client_close_is_echoed_with_its_code_then_the_connection_closed(raw, code):
    assert echoes_close(raw, code)


def test_a_client_close_without_a_code_is_answered_then_the_connection_closed(raw):
    raw.send(close_frame())
    assert raw.next_control_frame() == (CLOSE, b"")
    assert raw.hangs_up(TIMEOUT)


def test_a_close_frame_with_a_one_byte_payload_fails_with_1002(raw):
    raw.send(frame(CLOSE, b"\x03"))
    assert fails_with(raw, 1002)


@pytest.mark.parametrize("code", [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])
def test_a_close_code_no_endpoint_may_send_fails_with_1002(raw, code):
    raw.send(close_frame(code))
    assert fails_with(raw, 1002)


def test_a_close_reason_that_is_not_utf8_fails_with_1007(raw):
    raw.send(close_frame(1000, b"bye \xff"))
    assert fails_with(raw, 1007)


def test_a_server_close_waits_for_the_clients_close_then_hangs_up(server):
    with RawSocket(server, "forged", wait_until_ready=False) as raw:
        assert raw.close_code() == (1008, "unauthorized")
        assert not raw.hangs_up(0.5), "hung up without waiting for the client's close"
        raw.send(close_frame(1000))
        assert raw.hangs_up(1.0)


def test_a_client_that_never_answers_the_servers_close_is_cut_after_the_grace(server):
    with RawSocket(server, "forged", wait_until_ready=False) as raw:
        assert raw.close_code() == (1008, "unauthorized")
        started = time.monotonic()
        assert raw.hangs_up(GRACE + 1.5)
        print(f"cut {time.monotonic() - started:.2f} s after the close frame")


def test_the_server_sends_no_frame_after_its_close_frame(server):
    with RawSocket(server, "forged", wait_until_ready=False) as raw:
        assert raw.close_code() == (1008, "unauthorized")
        raw.send(frame(PING, b"still there?"), frame(TEXT, b"hello"))
        assert not raw.hangs_up(0.5)  # and no pong either: hangs_up fails on any frame
        raw.send(close_frame(1000))
        assert raw.hangs_up(1.0)


def test_no_event_follows_the_close_frame_while_messages_keep_coming(server, conversation):
    with RawSocket(server, conversation.customer_token) as raw:
        def vendor_sends():
            with api(server, conversation.vendor_token) as vendor:
                for n in range(4):
                    vendor.post(f"/chat-sessions/{conversation.id}/messages", json={"body": f"offer {n}"})
        sender = threading.Thread(target=vendor_sends)
        sender.start()
        try:
            assert raw.next_frame()[0] == TEXT  # the first event: they are flowing
            raw.send(frame(TEXT, b"not", rsv=0b100))
            assert fails_with(raw, 1002)  # and fails_with fails on any frame after the close frame
        finally:
            sender.join(TIMEOUT)


# --- A client that stops reading -------------------------------------------------------------

def test_a_socket_whose_client_stops_reading_is_cut_within_the_grace(server, conversation):
    """Dropped as too_slow, its close frame stuck behind the unread events, the connection must
    still end: reset within the grace rather than left to TCP with the server's unsent data."""
    # A small window and small segments fill the buffers on both sides with a few hundred KiB.
    with RawSocket(server, conversation.customer_token, rcvbuf=4096, maxseg=536) as raw:
        body = "🦜" * 5000  # the longest message: 20 KB of UTF-8 per event
        with api(server, conversation.customer_token) as customer, api(server, conversation.vendor_token) as vendor:
            for _ in range(10):
                for sender in (customer, vendor):
                    r = sender.post(f"/chat-sessions/{conversation.id}/messages", json={"body": body})
                    assert r.status_code == 201, r.text
        # Wait for the server's reset (or FIN) without reading what it sent.
        poller = select.poll()
        poller.register(raw.sock, select.POLLRDHUP)
        started = time.monotonic()
        events = poller.poll((GRACE + 1.5) * 1000)
        assert events, "the connection is still open: the server kept its unsent data and the connection"
        print(f"cut {time.monotonic() - started:.2f} s after the last message was sent")


# --- Handshakes NIO's upgrader would refuse without a word --------------------------------------

def handshake_answer(server, token, version="13", key="dGhlIHNhbXBsZSBub25jZQ=="):
    """The server's answer to an upgrade request with this version and key, up to its end."""
    address = urlparse(server)
    with socket.create_connection((address.hostname, address.port), timeout=TIMEOUT) as sock:
        lines = [f"GET /api/v1/realtime HTTP/1.1", f"Host: {address.netloc}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Authorization: Bearer {token}"]
        if version is not None:
            lines.append(f"Sec-WebSocket-Version: {version}")
        if key is not None:
            lines.append(f"Sec-WebSocket-Key: {key}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        received = b""
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return received
            received += chunk


@pytest.mark.parametrize("version", ["8", "14", None])
def test_an_unsupported_websocket_version_is_answered_426_with_the_version_we_speak(server, token, version):
    answer = handshake_answer(server, token, version=version)
    assert answer.startswith(b"HTTP/1.1 426"), answer
    assert b"sec-websocket-version: 13" in answer.lower(), answer


@pytest.mark.parametrize("key", [None, "short", "dGhlIHNhbXBsZSBub25jZQ"])
def test_an_upgrade_without_a_proper_key_is_answered_400(server, token, key):
    answer = handshake_answer(server, token, key=key)
    assert answer.startswith(b"HTTP/1.1 400"), answer
