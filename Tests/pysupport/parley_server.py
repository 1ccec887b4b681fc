"""What the Python test suites share: a real `parley serve` on a fresh SQLite database with demo
data, and the demo marketplace's accounts (Sources/ParleyCore/Seeding/DemoSeeder.swift)."""
import contextlib
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import httpx

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "parley-demo"
VENDOR_EMAILS = {
    "Harbor & Pine Outfitters": "sales@harborpine.example",
    "Lumen Audio": "hello@lumenaudio.example",
    "Fernwood Ceramics": "studio@fernwood.example",
    "Velo Works": "shop@veloworks.example",
    "Kettle & Crumb": "orders@kettlecrumb.example",
}
CUSTOMER_EMAILS = [
    "amara.okafor@example.com", "jonas.lindqvist@example.com", "priya.raman@example.com",
    "mateo.garcia@example.com", "sofia.rossi@example.com", "kenji.watanabe@example.com",
    "chloe.martin@example.com", "daniel.novak@example.com", "leila.haddad@example.com",
    "oliver.bennett@example.com", "zanele.dlamini@example.com", "lucas.ferreira@example.com",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parley_binary():
    """The `parley` executable the suites run: $PARLEY_BIN, or the debug build of this checkout."""
    binary = pathlib.Path(os.environ.get("PARLEY_BIN", ROOT / ".build" / "debug" / "parley"))
    assert binary.exists(), f"build parley first: {binary} is missing"
    return binary


@contextlib.contextmanager
def parley_server(admin_email, admin_password, prefix="parley-test-", extra_env=None, yield_process=False):
    """Yields the base URL of `parley serve` with demo data and the given administrator in a fresh
    directory; stops it with SIGTERM (as an operator would) and removes the directory afterwards.
    `extra_env` adds environment variables (PARLEY_SEND_RATE, …); with `yield_process` it yields
    (base URL, the server's Popen) for suites that watch the process itself (its pid, its memory)."""
    binary = parley_binary()
    workdir = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PARLEY_TEST_DATABASE_URL")}
    env.update(ADMIN_EMAIL=admin_email, ADMIN_PASSWORD=admin_password, PARLEY_DEMO="1", LOG_LEVEL="info")
    env.update(extra_env or {})
    log = open(workdir / "server.log", "w")
    process = subprocess.Popen([str(binary), "serve", "--port", str(port)], cwd=workdir, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None, (workdir / "server.log").read_text()
            time.sleep(0.2)
        else:
            raise AssertionError("server did not start: " + (workdir / "server.log").read_text())
        yield (base, process) if yield_process else base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
