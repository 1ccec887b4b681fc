"""What lives in the database already works whichever instance a request lands on: an admin
panel session (and its CSRF token), and the sign-in throttle's count of failures."""
import contextlib

import httpx

from cluster import ADMIN_EMAIL, ADMIN_PASSWORD
from parley_api import CSRF, SESSION_COOKIE, SIGN_IN_TIMEOUT, TIMEOUT, admin_session
from parley_server import CUSTOMER_EMAILS, DEMO_PASSWORD


def test_an_admin_signed_in_through_one_instance_keeps_the_session_on_the_others(cluster):
    log_from = cluster.proxy.access_log_size()
    # Through nginx, the sign-in form and its answer land on different instances (round-robin).
    signed_in = admin_session(cluster.proxy.base, ADMIN_EMAIL, ADMIN_PASSWORD, tls=cluster.tls)
    with contextlib.closing(signed_in) as admin:
        for _ in cluster.instances:
            r = admin.get("/admin/chat-sessions", follow_redirects=False)
            assert r.status_code == 200, f"{r.status_code} {r.headers.get('location')}"
        token = admin.cookies[SESSION_COOKIE]
    sign_in = [entry for entry in cluster.proxy.access_entries(log_from) if entry["path"] == "/admin/login"]
    assert len({entry["upstreams"][-1] for entry in sign_in}) > 1, [entry["line"] for entry in sign_in]
    pages = [entry for entry in cluster.proxy.access_entries(log_from) if entry["path"] == "/admin/chat-sessions"]
    assert {cluster.instance_named_by(entry["upstreams"][-1]).name for entry in pages} == {
        instance.name for instance in cluster.instances}, [entry["line"] for entry in pages]

    # Straight to each instance: the same cookie is a session on every one, and a form's CSRF
    # token from one instance is accepted by another.
    cookie = {"Cookie": f"{SESSION_COOKIE}={token}"}
    for instance in cluster.instances:
        r = httpx.get(instance.base + "/admin/chat-sessions", headers=cookie, timeout=TIMEOUT)
        assert r.status_code == 200, f"{instance.name}: {r.status_code} {r.headers.get('location')}"
    page = httpx.get(cluster.instances[0].base + "/admin/settings", headers=cookie, timeout=TIMEOUT)
    assert page.status_code == 200, page.status_code
    saved = httpx.post(cluster.instances[1].base + "/admin/settings", headers=cookie, timeout=TIMEOUT,
                       data={"_csrf": CSRF.search(page.text).group(1), "chat_enabled": ["0", "1"]})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin/settings"), saved.text


def test_the_sign_in_throttle_counts_failures_made_through_every_instance(cluster):
    """Five wrong passwords for one account from one address, spread over the three instances, make
    the next attempt wait wherever it lands, even with the right password; the account's owner
    signing in from another address is not held up. nginx (a trusted proxy) names the client in
    X-Forwarded-For; here the test, on the proxy's loopback address, names it itself."""
    email = CUSTOMER_EMAILS[-1]
    guesser = {"X-Forwarded-For": "198.51.100.23"}
    instances = cluster.instances
    for attempt in range(5):
        instance = instances[attempt % len(instances)]
        r = httpx.post(instance.base + "/api/v1/auth/token", json={"email": email, "password": f"guess-{attempt}"},
                       headers=guesser, timeout=SIGN_IN_TIMEOUT)
        assert r.status_code == 401, f"attempt {attempt + 1} on {instance.name}: {r.status_code} {r.text}"
    for instance in (instances[2], instances[0]):
        r = httpx.post(instance.base + "/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD},
                       headers=guesser, timeout=TIMEOUT)
        assert r.status_code == 429, f"{instance.name}: {r.status_code} {r.text}"
        assert r.json()["error"]["code"] == "too_many_attempts"
        assert int(r.headers["retry-after"]) >= 1
    owner = {"X-Forwarded-For": "198.51.100.42"}
    r = httpx.post(instances[1].base + "/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD},
                   headers=owner, timeout=SIGN_IN_TIMEOUT)
    assert r.status_code == 201, r.text
