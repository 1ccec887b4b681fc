"""Independent clients for Parley: a real `parley serve` on a fresh SQLite database with demo
data, driven from outside the process over HTTP (httpx) and WebSocket (websockets)."""
import asyncio
import itertools
import json
import pathlib
import re
import sys

import httpx
import pytest
from websockets.asyncio.client import connect

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "pysupport"))
from parley_server import CUSTOMER_EMAILS, DEMO_PASSWORD, VENDOR_EMAILS, parley_server  # noqa: E402

ADMIN_EMAIL = "clients-admin@parley.test"
ADMIN_PASSWORD = "clients-admin-password"
TIMEOUT = 5  # seconds any single wait may take, so a failure never hangs

_customers = itertools.cycle(CUSTOMER_EMAILS)


@pytest.fixture(scope="session")
def server():
    """`parley serve` with demo data and a known administrator."""
    with parley_server(ADMIN_EMAIL, ADMIN_PASSWORD, prefix="parley-clients-") as base:
        yield base


# --- API helpers -------------------------------------------------------------------------------

def sign_in(base, email, password=DEMO_PASSWORD):
    """POST /api/v1/auth/token; returns (token, user)."""
    r = httpx.post(base + "/api/v1/auth/token", json={"email": email, "password": password}, timeout=TIMEOUT)
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["user"]


def api(base, token):
    return httpx.Client(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)


def async_api(base, token):
    return httpx.AsyncClient(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"},
                             timeout=TIMEOUT)


class Conversation:
    """A brand-new chat session: a demo customer asks a vendor about a product they have not
    talked about yet. Tokens and users of both sides, and the session as the API returned it."""

    def __init__(self, base):
        self.customer_email = next(_customers)
        self.customer_token, self.customer = sign_in(base, self.customer_email)
        with api(base, self.customer_token) as c:
            listed = c.get("/chat-sessions", params={"limit": 100})
            assert listed.status_code == 200, listed.text
            taken = {s["product"]["id"] for s in listed.json()["data"]}
            for product_id in range(1, 100):
                if product_id in taken:
                    continue
                r = c.post("/chat-sessions", json={"product_id": product_id})
                if r.status_code == 201:
                    break
                assert r.status_code in (200, 422), r.text
            else:
                raise AssertionError(f"{self.customer_email} has no product left to ask about")
        self.session = r.json()
        self.id = self.session["id"]
        assert self.session["customer"]["id"] == self.customer["id"]
        self.vendor_token, self.vendor = sign_in(base, VENDOR_EMAILS[self.session["vendor"]["name"]])
        assert self.vendor["id"] == self.session["vendor"]["id"]


@pytest.fixture
def conversation(server):
    return Conversation(server)


# --- WebSocket helpers -------------------------------------------------------------------------

def ws_url(base):
    return base.replace("http://", "ws://") + "/api/v1/realtime"


async def realtime(base, token):
    """Opens the realtime socket with a bearer header and waits for `connection.ready`."""
    ws = await asyncio.wait_for(
        connect(ws_url(base), additional_headers={"Authorization": f"Bearer {token}"}), TIMEOUT)
    ready = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
    assert ready["type"] == "connection.ready", ready
    return ws


async def next_event(ws, type_, session_id, timeout=TIMEOUT):
    """The next event of `type_` about `session_id`, skipping others (session.updated, …)."""
    async def wait():
        while True:
            event = json.loads(await ws.recv())
            data = event.get("data", {})
            if event["type"] == type_ and session_id in (data.get("chat_session_id"), data.get("id")):
                return event
    return await asyncio.wait_for(wait(), timeout)


# --- Admin panel -------------------------------------------------------------------------------

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def admin(server):
    """An httpx client signed in to the admin panel (cookie session), as a person would be."""
    client = httpx.Client(base_url=server, timeout=TIMEOUT, follow_redirects=True)
    page = client.get("/admin/login")
    r = client.post("/admin/login", data={"_csrf": CSRF.search(page.text).group(1), "next": "",
                                          "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert r.status_code == 200 and "parley_session" in client.cookies, r.text
    yield client
    client.close()


def set_chat_enabled(admin, enabled):
    """Saves System Settings with the "Enable Chat in Mobile App" switch on or off."""
    page = admin.get("/admin/settings")
    assert page.status_code == 200, page.text
    values = ["0", "1"] if enabled else ["0"]  # the hidden "0" comes before the checkbox
    r = admin.post("/admin/settings", data={"_csrf": CSRF.search(page.text).group(1), "chat_enabled": values})
    assert r.status_code == 200, r.text
    assert ("Chat is on" if enabled else "Chat is off") in r.text
