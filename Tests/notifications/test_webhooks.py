"""Webhooks through `parley serve`: endpoints managed with `parley webhooks`, and deliveries that
survive a SIGKILL of the server: every message created is delivered, signed, once."""
import concurrent.futures
import re

import httpx

from parley_process import ServeProcess, run_parley, seed_conversations
from parley_api import bearer
from webhook_receiver import signature_valid

FAST_RETRIES = {"PARLEY_WEBHOOK_RETRY_BASE": "100ms", "PARLEY_WEBHOOK_TIMEOUT": "1s", "PARLEY_DEMO": "0",
                "PARLEY_SEND_RATE": "0"}


def add_endpoint(database_url, url, events):
    done = run_parley(database_url, "webhooks", "add", "--url", url, "--events", events)
    assert done.returncode == 0, done.stderr
    endpoint_id = int(re.search(r"^id: (\d+)$", done.stdout, re.M).group(1))
    secret = re.search(r"^secret: (\S+)$", done.stdout, re.M).group(1)
    return endpoint_id, secret


def test_the_command_line_adds_lists_and_removes_endpoints(database_url):
    endpoint_id, secret = add_endpoint(database_url, "https://crm.example.com/parley", "message.created,message.read")
    assert secret.startswith("whsec_")
    listed = run_parley(database_url, "webhooks", "list")
    assert listed.returncode == 0
    assert f"{endpoint_id}\tenabled\thttps://crm.example.com/parley\tmessage.created,messages.read" in listed.stdout
    assert secret not in listed.stdout
    refused = run_parley(database_url, "webhooks", "add", "--url", "ftp://x", "--events", "message.created")
    assert refused.returncode == 1 and "http://" in refused.stderr
    assert run_parley(database_url, "webhooks", "remove", "--id", str(endpoint_id)).returncode == 0
    assert run_parley(database_url, "webhooks", "list").stdout.strip() == ""
    gone = run_parley(database_url, "webhooks", "remove", "--id", str(endpoint_id))
    assert gone.returncode == 1 and f"#{endpoint_id}" in gone.stderr


def send_burst(base, conversations, per_conversation):
    """Sends from every customer at once; returns the ids of the messages stored (2xx)."""
    def send(args):
        session, token, index = args
        response = httpx.post(f"{base}/api/v1/chat-sessions/{session}/messages", headers=bearer(token),
                              json={"body": f"message {index}"}, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()["id"]
    work = [(session, customer, i) for session, customer, _ in conversations for i in range(per_conversation)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        return set(pool.map(send, work))


def test_no_delivery_is_lost_or_repeated_across_a_sigkill(database_url, workdir, receiver):
    conversations = seed_conversations(database_url, workdir, 8)
    _, secret = add_endpoint(database_url, receiver.url, "message.created")
    receiver.status = 503  # the receiver is down until after the kill
    server = ServeProcess(database_url, workdir, extra_env=FAST_RETRIES)
    base = server.start()
    try:
        sent = send_burst(base, conversations, 5)
        assert receiver.wait_for(lambda: len(receiver.requests) >= 20), "no delivery was attempted"
        server.kill()
        assert receiver.answered() == []
        receiver.status = 204
        server.start()
        assert receiver.wait_for(
            lambda: {r["json"]["data"]["id"] for r in receiver.answered()} >= sent, timeout=60), (
            f"delivered {len(receiver.answered())} of {len(sent)}")
        answered = receiver.answered()
        event_ids = [r["json"]["id"] for r in answered]
        assert len(event_ids) == len(set(event_ids)) == len(sent), "an event was delivered twice"
        assert all(signature_valid(r, secret) for r in answered)
        # Every attempt of one event carried the same id.
        ids_per_message = {}
        for r in receiver.requests:
            ids_per_message.setdefault(r["json"]["data"]["id"], set()).add(r["json"]["id"])
        assert all(len(ids) == 1 for ids in ids_per_message.values())
    finally:
        server.stop()
