"""Independent clients for Parley: a real `parley serve` on a fresh SQLite database with demo
data, driven from outside the process over HTTP (httpx) and WebSocket (websockets). The helpers
that speak the API live in Tests/pysupport/parley_api.py and are re-exported here for the tests."""
import itertools
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "pysupport"))
from parley_server import CUSTOMER_EMAILS, VENDOR_EMAILS, parley_server  # noqa: E402
from parley_api import (TIMEOUT, admin_session, api, async_api, next_event, realtime,  # noqa: E402,F401
                        set_chat_enabled, sign_in, ws_url)

ADMIN_EMAIL = "clients-admin@parley.test"
ADMIN_PASSWORD = "clients-admin-password"

_customers = itertools.cycle(CUSTOMER_EMAILS)


@pytest.fixture(scope="session")
def server():
    """`parley serve` with demo data and a known administrator."""
    with parley_server(ADMIN_EMAIL, ADMIN_PASSWORD, prefix="parley-clients-") as base:
        yield base


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


# --- Admin panel -------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def admin(server):
    """An httpx client signed in to the admin panel (cookie session), as a person would be."""
    client = admin_session(server, ADMIN_EMAIL, ADMIN_PASSWORD)
    yield client
    client.close()
