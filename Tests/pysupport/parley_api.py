"""Parley's API and admin panel spoken from outside the process, as the mobile app and a browser
do: bearer tokens over HTTP (httpx), the realtime WebSocket (websockets), and an admin panel session
with its CSRF token. A base is an instance's plain `http://` address or a proxy's `https://` one;
`tls` is then the SSL context that trusts the proxy's certificate."""
import asyncio
import json
import re
import time

import httpx
from websockets.asyncio.client import connect

from parley_server import DEMO_PASSWORD

TIMEOUT = 5  # seconds any single wait may take, so a failure never hangs
# Signing in checks a bcrypt hash on threads of low priority (PasswordHashingPool): on a machine
# busy with something else it takes far longer than any other request.
SIGN_IN_TIMEOUT = 30
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')
SESSION_COOKIE = "parley_session"


def _verify(tls):
    return tls if tls is not None else True


def sign_in(base, email, password=DEMO_PASSWORD, tls=None, headers=None):
    """POST /api/v1/auth/token; returns (token, user)."""
    r = httpx.post(base + "/api/v1/auth/token", json={"email": email, "password": password},
                   timeout=SIGN_IN_TIMEOUT, verify=_verify(tls), headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["user"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def api(base, token, tls=None):
    return httpx.Client(base_url=base + "/api/v1", headers=bearer(token), timeout=TIMEOUT, verify=_verify(tls))


def async_api(base, token, tls=None, timeout=TIMEOUT):
    return httpx.AsyncClient(base_url=base + "/api/v1", headers=bearer(token), timeout=timeout,
                             verify=_verify(tls))


# --- WebSocket -----------------------------------------------------------------------------------

def ws_url(base):
    return base.replace("http://", "ws://").replace("https://", "wss://") + "/api/v1/realtime"


async def realtime(base, token, tls=None, timeout=TIMEOUT):
    """Opens the realtime socket with a bearer header and waits for `connection.ready`."""
    ws = await asyncio.wait_for(
        connect(ws_url(base), additional_headers=bearer(token), ssl=tls if base.startswith("https") else None),
        timeout)
    ready = json.loads(await asyncio.wait_for(ws.recv(), timeout))
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


# --- Admin panel ---------------------------------------------------------------------------------

def admin_session(base, email, password, tls=None):
    """An httpx client signed in to the admin panel (cookie session), as a person would be: the
    sign-in form is fetched, then posted with its CSRF token."""
    client = httpx.Client(base_url=base, timeout=SIGN_IN_TIMEOUT, follow_redirects=True, verify=_verify(tls))
    page = client.get("/admin/login")
    r = client.post("/admin/login", data={"_csrf": CSRF.search(page.text).group(1), "next": "",
                                          "email": email, "password": password})
    assert r.status_code == 200 and SESSION_COOKIE in client.cookies, r.text
    return client


def set_chat_enabled(admin, enabled):
    """Saves System Settings with the "Enable Chat in Mobile App" switch on or off, as the browser
    does; returns the time (time.monotonic()) the save was answered."""
    page = admin.get("/admin/settings")
    assert page.status_code == 200, page.text
    values = ["0", "1"] if enabled else ["0"]  # the hidden "0" comes before the checkbox
    r = admin.post("/admin/settings", data={"_csrf": CSRF.search(page.text).group(1), "chat_enabled": values},
                   follow_redirects=False)
    answered = time.monotonic()
    assert r.status_code == 303, r.text
    r = admin.get(r.headers["location"])
    assert r.status_code == 200, r.text
    assert ("Chat is on" if enabled else "Chat is off") in r.text
    return answered
