"""Browser tests for the admin panel: a real Parley server on a fresh SQLite database, driven
by real Chromium through Selenium. Screenshots go to artifacts/screenshots/ (ignored by git)."""
import pathlib
import shutil
import sys
import tempfile
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "pysupport"))
from parley_server import ROOT, parley_server  # noqa: E402

ADMIN_EMAIL = "browser-admin@parley.test"
ADMIN_PASSWORD = "browser-admin-password"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def server():
    """`parley serve` with demo data and a known administrator."""
    with parley_server(ADMIN_EMAIL, ADMIN_PASSWORD, prefix="parley-browser-") as base:
        yield base


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


def wait_for_download(folder, suffix, prefix="", seconds=15):
    """The finished download named prefix*suffix in `folder`. Chromium reserves the final name with
    an empty file while it writes to a `.crdownload` one, so a file of that name is not yet the
    download: it is done once no `.crdownload` is left and the file has content."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        names = [p.name for p in folder.iterdir()]
        done = [folder / n for n in names if n.startswith(prefix) and n.endswith(suffix)]
        if done and not any(n.endswith(".crdownload") for n in names) and done[0].stat().st_size > 0:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no finished {prefix}*{suffix} download in {folder}: {[p.name for p in folder.iterdir()]}")
