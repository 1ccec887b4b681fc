"""Trust and safety (issue 12) in real Chromium: the sidebar's live moderation count, contact
details hidden in Hide mode and highlighted in the queue, and the queue's decisions (dismiss, ban,
warn) with Unban on the Users page. Each test makes its own vendor, customer, product and
conversation (admin forms and the API), so none depends on another or on the demo data.
Screenshots: moderation-*.png."""
import uuid

import httpx
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, screenshot
from pages import confirm_dialog, notice, wait
from parley_api import CSRF, SIGN_IN_TIMEOUT, admin_session, bearer

PASSWORD = "moderation-test-password"
PHONE = "+44 7700 900123"
HIDDEN = "[contact details hidden]"


# --- Fresh people and a conversation between them --------------------------------------------------

def create_user(admin, role, name, email):
    page = admin.get("/admin/users/create")
    r = admin.post("/admin/users", data={"_csrf": CSRF.search(page.text).group(1), "name": name,
                                         "email": email, "password": PASSWORD, "role": role})
    assert r.status_code == 200 and f"User {name} created." in r.text, r.text


def token_for(server, email):
    r = httpx.post(server + "/api/v1/auth/token", json={"email": email, "password": PASSWORD},
                   timeout=SIGN_IN_TIMEOUT)
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["user"]


class Conversation:
    """A new vendor with a new product, a new customer, and the customer's chat about it."""

    def __init__(self, server):
        tag = uuid.uuid4().hex[:8]
        self.server = server
        self.product = f"Moderated kettle {tag}"
        self.vendor_name, self.customer_name = f"Vendor {tag}", f"Customer {tag}"
        self.vendor_email, self.customer_email = f"vendor-{tag}@moderation.test", f"customer-{tag}@moderation.test"
        admin = admin_session(server, ADMIN_EMAIL, ADMIN_PASSWORD)
        self.clients = [admin]
        try:
            create_user(admin, "vendor", self.vendor_name, self.vendor_email)
            create_user(admin, "customer", self.customer_name, self.customer_email)
            self.vendor_token, vendor = token_for(server, self.vendor_email)
            self.vendor_id = vendor["id"]
            page = admin.get("/admin/products/create")
            r = admin.post("/admin/products", data={"_csrf": CSRF.search(page.text).group(1),
                                                    "name": self.product, "vendor_id": str(self.vendor_id)})
            assert r.status_code == 200 and self.product in r.text, r.text
        finally:
            admin.close()
        self.customer_token, customer = token_for(server, self.customer_email)
        self.customer_id = customer["id"]
        found = self.api(self.customer_token).get("/products", params={"search": self.product}).json()["data"]
        product_id = next(p["id"] for p in found if p["name"] == self.product)
        r = self.api(self.customer_token).post("/chat-sessions", json={"product_id": product_id})
        assert r.status_code == 201, r.text
        self.session_id = r.json()["id"]

    def api(self, token):
        self.clients.append(httpx.Client(base_url=self.server + "/api/v1", headers=bearer(token), timeout=10))
        return self.clients[-1]

    def close(self):
        for client in self.clients:
            client.close()

    def send(self, token, body):
        r = self.api(token).post(f"/chat-sessions/{self.session_id}/messages", json={"body": body})
        assert r.status_code == 201, r.text
        return r.json()

    def report(self, token, reason, **extra):
        r = self.api(token).post(f"/chat-sessions/{self.session_id}/reports", json={"reason": reason, **extra})
        assert r.status_code == 201, r.text
        return r.json()

    def messages(self, token):
        r = self.api(token).get(f"/chat-sessions/{self.session_id}/messages", params={"limit": 100})
        assert r.status_code == 200, r.text
        return r.json()["data"]


@pytest.fixture
def chat(server):
    conversation = Conversation(server)
    yield conversation
    conversation.close()


# --- Admin pages ----------------------------------------------------------------------------------

def moderation_count(driver):
    """The sidebar's moderation count as shown: 0 while hidden."""
    element = driver.find_element(By.CSS_SELECTOR, "span[data-live-count='moderation']")
    if element.get_attribute("hidden") is not None:
        return 0
    return int(element.get_attribute("textContent").strip().replace(",", "") or 0)


def case_row(driver, product):
    """The queue's row about `product` (names are unique per test), or None."""
    for row in driver.find_elements(By.CSS_SELECTOR, "tr[data-case-id]"):
        try:
            if product in row.text:
                return row
        except StaleElementReferenceException:
            return None
    return None


def open_queue(driver, server, product, query=""):
    driver.get(server + "/admin/moderation" + query)
    titles = driver.find_elements(By.CSS_SELECTOR, "h1.page__title")
    assert titles and titles[0].text == "Moderation", \
        "/admin/moderation did not render: " + repr(driver.find_element(By.TAG_NAME, "body").text[:300])
    return wait(driver).until(lambda d: case_row(d, product))


def filter_queue(driver, state=None, reason=None):
    old = driver.find_element(By.TAG_NAME, "html")
    if state is not None:
        Select(driver.find_element(By.CSS_SELECTOR, "select#state")).select_by_value(state)
    if reason is not None:
        Select(driver.find_element(By.CSS_SELECTOR, "select#reason")).select_by_value(reason)
    driver.find_element(By.XPATH, "//form[.//select[@id='state']]//button[normalize-space()='Filter']").click()
    wait(driver).until(EC.staleness_of(old))


def user_row(driver, server, email):
    driver.get(server + "/admin/users?search=" + email)
    return wait(driver).until(lambda d: next(
        (r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if email in r.text), None))


def contact_policy(driver):
    return driver.find_element(By.CSS_SELECTOR, "input[name=contact_details]:checked").get_attribute("value")


def contact_policy_now(driver, server):
    driver.get(server + "/admin/settings")
    return contact_policy(driver)


def save_contact_policy(driver, server, value):
    driver.get(server + "/admin/settings")
    driver.find_element(By.CSS_SELECTOR, f"input[name=contact_details][value={value}]").click()
    driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
    notice(driver, f"Contact details in messages: {value}.")


# --- Tests ----------------------------------------------------------------------------------------

def test_sidebar_moderation_count_goes_up_live_when_a_participant_reports(signed_in, server, chat):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    link = driver.find_element(By.CSS_SELECTOR, ".sidebar a[href='/admin/moderation']")
    assert "Moderation" in link.text
    before = moderation_count(driver)
    html = driver.find_element(By.TAG_NAME, "html")
    # Had the report come before the event stream connected, the stream's first event (the
    # current total) would still change the badge: either way, no reload.

    chat.report(chat.customer_token, "spam", note="Sends the same offer again and again")

    wait(driver).until(lambda d: moderation_count(d) == before + 1)
    badge = driver.find_element(By.CSS_SELECTOR, "span[data-live-count='moderation']")
    assert badge.is_displayed() and badge.text == str(before + 1)
    # Without a reload: the same document.
    assert html.tag_name == "html"
    screenshot(driver, "moderation-live-count")


def test_hide_mode_hides_a_phone_number_from_the_other_participant_and_highlights_it_in_the_queue(
        signed_in, server, chat):
    driver = signed_in
    driver.get(server + "/admin/settings")
    fieldset = driver.find_element(By.XPATH, "//fieldset[legend[normalize-space()='Contact details in messages']]")
    assert {r.get_attribute("value") for r in fieldset.find_elements(By.CSS_SELECTOR, "input[type=radio]")} == \
        {"allow", "flag", "hide"}
    previous = contact_policy(driver)
    try:
        save_contact_policy(driver, server, "hide")
        assert contact_policy(driver) == "hide"
        screenshot(driver, "moderation-settings-hide")

        sent = chat.send(chat.customer_token, f"call me on {PHONE}")
        assert "contact_details" in sent["flags"]
        received = next(m for m in chat.messages(chat.vendor_token) if m["id"] == sent["id"])
        assert received["body"] == f"call me on {HIDDEN}"
        assert "7700" not in received["body"]

        row = open_queue(driver, server, chat.product)
        marks = row.find_elements(By.CSS_SELECTOR, "mark.detected")
        assert [m.text for m in marks] == [PHONE]
        assert HIDDEN not in row.text
        link = row.find_element(By.LINK_TEXT, "Open the conversation")
        assert link.get_attribute("href").endswith(f"#message-{sent['id']}")
        screenshot(driver, "moderation-hidden-phone")
        link.click()
        wait(driver).until(lambda d: f"/admin/chat-sessions/{chat.session_id}/edit" in d.current_url)
        wait(driver).until(EC.presence_of_element_located((By.ID, f"message-{sent['id']}")))
    finally:
        if contact_policy_now(driver, server) != previous:
            save_contact_policy(driver, server, previous)


def test_dismissing_a_case_moves_it_out_of_the_open_filter(signed_in, server, chat):
    driver = signed_in
    message = chat.send(chat.vendor_token, "Great deal, pay me outside the app")
    report = chat.report(chat.customer_token, "scam", message_id=message["id"], note="Asked to pay elsewhere")

    row = open_queue(driver, server, chat.product, "?state=open")
    assert row.get_attribute("data-case-id") == str(report["id"])
    assert row.find_element(By.CSS_SELECTOR, "[data-case-state]").text.lower() == "open"
    row.find_element(By.CSS_SELECTOR, "button[name=decision][value=dismiss]").click()
    notice(driver, f"Case #{report['id']}")
    row = wait(driver).until(lambda d: case_row(d, chat.product))
    assert row.find_element(By.CSS_SELECTOR, "[data-case-state]").text.lower() == "dismissed"
    assert row.find_elements(By.CSS_SELECTOR, "button[name=decision]") == []

    filter_queue(driver, state="open")
    assert case_row(driver, chat.product) is None
    filter_queue(driver, state="dismissed")
    row = case_row(driver, chat.product)
    assert row is not None and row.get_attribute("data-case-id") == str(report["id"])
    assert row.find_element(By.CSS_SELECTOR, "[data-case-state]").text.lower() == "dismissed"
    screenshot(driver, "moderation-dismissed")


def test_banning_from_the_queue_shows_banned_revokes_the_token_and_unban_lets_them_sign_in(
        signed_in, server, chat):
    driver = signed_in
    vendor_api = chat.api(chat.vendor_token)
    assert vendor_api.get("/chat-sessions").status_code == 200
    chat.report(chat.customer_token, "harassment", note="Rude messages")

    row = open_queue(driver, server, chat.product, "?state=open")
    assert chat.vendor_name in row.find_element(By.CSS_SELECTOR, "[data-reported-user]").text
    row.find_element(By.CSS_SELECTOR, "button[name=decision][value=ban]").click()
    message = confirm_dialog(driver)
    assert f"Ban {chat.vendor_name}?" in message
    notice(driver, "Case #")

    row = user_row(driver, server, chat.vendor_email)
    assert row.find_element(By.CSS_SELECTOR, "span[data-banned]").text == "Banned"
    assert row.find_elements(By.XPATH, ".//button[normalize-space()='Unban']")
    screenshot(driver, "moderation-user-banned")
    assert vendor_api.get("/chat-sessions").status_code == 401
    r = httpx.post(server + "/api/v1/auth/token", json={"email": chat.vendor_email, "password": PASSWORD},
                   timeout=SIGN_IN_TIMEOUT)
    assert r.status_code == 403 and r.json()["error"]["code"] == "banned", r.text

    row.find_element(By.XPATH, ".//button[normalize-space()='Unban']").click()
    notice(driver, f"{chat.vendor_name} is no longer banned.")
    row = user_row(driver, server, chat.vendor_email)
    assert row.find_elements(By.CSS_SELECTOR, "span[data-banned]") == []
    assert row.find_elements(By.XPATH, ".//button[normalize-space()='Ban']")
    token, _ = token_for(server, chat.vendor_email)
    assert chat.api(token).get("/chat-sessions").status_code == 200


def test_warning_from_the_queue_reaches_the_warned_participant_as_a_system_message(signed_in, server, chat):
    driver = signed_in
    chat.send(chat.vendor_token, "Answer me now or else")
    chat.report(chat.customer_token, "harassment")
    warning = f"Please keep the conversation polite ({uuid.uuid4().hex[:6]})."

    row = open_queue(driver, server, chat.product, "?state=open")
    details = row.find_element(By.CSS_SELECTOR, "details")
    details.find_element(By.TAG_NAME, "summary").click()
    box = wait(driver).until(EC.visibility_of(row.find_element(By.CSS_SELECTOR, "textarea[name=warning]")))
    box.send_keys(warning)
    row.find_element(By.CSS_SELECTOR, "button[name=decision][value=warn]").click()
    notice(driver, "Case #")
    screenshot(driver, "moderation-warned")

    system = [m for m in chat.messages(chat.vendor_token) if "system" in (m.get("flags") or [])]
    assert len(system) == 1, chat.messages(chat.vendor_token)
    assert warning in system[0]["body"]
