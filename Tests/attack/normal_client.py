"""The normal client of the attack suite, in a process of its own so that the attackers' Python work
cannot delay its measurements: it polls /healthz and sends messages as ordinary users in their own
sessions, timing every answer, from 127.0.0.1. It prints `ready` once both have answered, runs until
its stdin closes, then prints what it measured as one JSON line.

    python3 normal_client.py '{"base": "http://127.0.0.1:8080", "users": [[token, session_id], …]}'
"""
import json
import sys
import threading
import time
import uuid

import httpx

HEALTHZ_EVERY = 0.05  # seconds between /healthz requests
SEND_EVERY = 0.06  # seconds between sends, taking turns over the users: each sends under its 20 per 10 s
TIMEOUT = 5


def _paced(every, stop, action):
    next_at = time.monotonic()
    while not stop.is_set():
        action()
        next_at = max(next_at + every, time.monotonic())
        stop.wait(next_at - time.monotonic())


def _timed(request):
    """(milliseconds, status code or the exception's name, the API error code or None, when it was
    sent on the monotonic clock, which the suite's process shares)."""
    at = time.monotonic()
    started = time.perf_counter()
    try:
        response = request()
    except httpx.HTTPError as error:
        return (time.perf_counter() - started) * 1000, type(error).__name__, None, at
    elapsed = (time.perf_counter() - started) * 1000
    code = None
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith("application/json"):
        code = response.json().get("error", {}).get("code")
    return elapsed, response.status_code, code, at


def main():
    config = json.loads(sys.argv[1])
    stop = threading.Event()
    healthz, sends = [], []

    def poll_healthz():
        with httpx.Client(base_url=config["base"], timeout=TIMEOUT) as client:
            _paced(HEALTHZ_EVERY, stop, lambda: healthz.append(_timed(lambda: client.get("/healthz"))))

    def send_messages():
        users = [(httpx.Client(base_url=config["base"] + "/api/v1", timeout=TIMEOUT,
                               headers={"Authorization": f"Bearer {token}"}), session_id)
                 for token, session_id in config["users"]]
        turn = iter(range(1 << 30))

        def send_one():
            n = next(turn)
            client, session_id = users[n % len(users)]
            sends.append(_timed(lambda: client.post(
                f"/chat-sessions/{session_id}/messages",
                json={"body": f"An ordinary message, number {n}", "client_message_id": str(uuid.uuid4())})))
        try:
            _paced(SEND_EVERY, stop, send_one)
        finally:
            for client, _ in users:
                client.close()

    threads = [threading.Thread(target=poll_healthz), threading.Thread(target=send_messages)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while not (healthz and sends) and time.monotonic() < deadline:
        time.sleep(0.01)
    print("ready", flush=True)
    sys.stdin.read()  # until the suite closes our stdin
    stop.set()
    for thread in threads:
        thread.join()
    print(json.dumps({"healthz": healthz, "sends": sends}), flush=True)


if __name__ == "__main__":
    main()
