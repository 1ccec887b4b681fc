"""A webhook receiver on loopback for tests: records every request (headers, raw body, the answer it
got) and answers with whatever status the test sets, or not at all while `silent` is set."""
import hashlib
import hmac
import http.server
import json
import threading
import time


class WebhookReceiver:
    def __init__(self, status=204):
        self.status = status
        self.silent = False
        self.requests = []  # dicts: headers, body (bytes), json, status (None when left unanswered)
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                entry = {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                         "json": json.loads(body), "status": None, "at": time.time()}
                with receiver.lock:
                    receiver.requests.append(entry)
                if receiver.silent:
                    time.sleep(5)
                    return
                entry["status"] = receiver.status
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def answered(self, type_=None):
        """Requests answered 2xx, of one event type when given."""
        with self.lock:
            return [r for r in self.requests if r["status"] and 200 <= r["status"] < 300
                    and (type_ is None or r["json"]["type"] == type_)]

    def wait_for(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()


def signature_valid(request, secret):
    """Checks `Parley-Signature: t=…,v1=…` against the raw body, as a receiver should."""
    parts = dict(part.split("=", 1) for part in request["headers"]["parley-signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])
