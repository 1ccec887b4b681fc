"""Unread reminders through `parley serve` and a real SMTP server: a reminder that fell due while
the server was killed is sent once it is back, and only once."""
import time

import httpx

from parley_api import bearer
from parley_process import ServeProcess, seed_conversations

DELAY = 4  # seconds


def test_a_reminder_due_while_the_server_was_killed_is_sent_once_after_restart(database_url, workdir, smtp_sink):
    [(session, customer, vendor)] = seed_conversations(database_url, workdir, 1)
    env = {"PARLEY_DEMO": "0", "PARLEY_REMINDER_DELAY": f"{DELAY}s", "PARLEY_PUBLIC_URL": "https://chat.example.com",
           "SMTP_URL": f"smtp://127.0.0.1:{smtp_sink.port}", "SMTP_FROM": "Parley <reminders@example.com>"}
    server = ServeProcess(database_url, workdir, extra_env=env)
    base = server.start()
    try:
        sent = httpx.post(f"{base}/api/v1/chat-sessions/{session}/messages", headers=bearer(customer),
                          json={"body": "Still <b>available</b>?"}, timeout=10)
        assert sent.status_code == 201, sent.text
        time.sleep(1)  # the dispatcher has set the due time; the reminder is not due yet
        server.kill()
        time.sleep(DELAY)  # it falls due while nobody runs
        assert smtp_sink.received() == []
        server.start()
        deadline = time.monotonic() + 20
        while not smtp_sink.received() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)  # a second email would come within the next round
        [mail] = smtp_sink.received()
        assert len(mail["rcpt_tos"]) == 1 and "Still <b>available</b>?" in mail["parts"][0]["text"]
        assert any("&lt;b&gt;available&lt;/b&gt;" in part["text"] for part in mail["parts"])
        assert f"https://chat.example.com/chat?session={session}" in mail["parts"][0]["text"]
        assert "Unread reminders are emailed through 127.0.0.1" in server.log_tail(200)
    finally:
        server.stop()
