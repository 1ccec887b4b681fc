"""Browser tests for the admin panel: a real Parley server on a fresh SQLite database, driven
by real Chromium through Selenium. Screenshots go to artifacts/screenshots/ (ignored by git)."""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "browser-admin@parley.test"
ADMIN_PASSWORD = "browser-admin-password"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server():
    """`parley serve` with demo data and a known administrator; stopped with SIGTERM at the end."""
    binary = pathlib.Path(os.environ.get("PARLEY_BIN", ROOT / ".build" / "debug" / "parley"))
    assert binary.exists(), f"build parley first: {binary} is missing"
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="parley-browser-"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PARLEY_TEST_DATABASE_URL")}
    env.update(ADMIN_EMAIL=ADMIN_EMAIL, ADMIN_PASSWORD=ADMIN_PASSWORD, PARLEY_DEMO="1", LOG_LEVEL="info")
    log = open(workdir / "server.log", "w")
    process = subprocess.Popen([str(binary), "serve", "--port", str(port)], cwd=workdir, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
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
    yield base
    process.terminate()
    try:
        process.wait(timeout=20)
    except (subprocess.TimeoutExpired, AssertionError):
        process.kill()
    log.close()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def downloads():
    path = pathlib.Path(tempfile.mkdtemp(prefix="parley-downloads-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def new_chrome(downloads=None):
    """A headless Chromium of its own: its own cookies and storage, so two can be two users."""
    options = Options()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--window-size=1440,1000")
    if downloads is not None:
        options.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        })
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.implicitly_wait(0)
    return driver


@pytest.fixture(scope="session")
def browser(server, downloads):
    driver = new_chrome(downloads)
    yield driver
    driver.quit()


@pytest.fixture
def fresh_browser(server):
    """Makes new browsers for one test (one per user), quitting them all at its end."""
    drivers = []

    def make():
        drivers.append(new_chrome())
        return drivers[-1]
    yield make
    for driver in drivers:
        driver.quit()


@pytest.fixture(scope="session")
def signed_in(browser, server):
    from pages import sign_in
    sign_in(browser, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    return browser


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
