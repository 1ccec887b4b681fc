"""Safety in the /chat web client, in real Chromium: blocking and unblocking the other participant,
reporting one of their messages, a moderator's warning arriving live as a system message, and a ban
signing the banned person out of an open web chat. Each test makes its own vendor, customer,
product and conversation (test_moderation.Conversation: admin forms and the API), so none depends
on another or on the demo data. Screenshots: web-chat-safety-*.png."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import screenshot
from pages import confirm_dialog, notice, wait
from test_moderation import PASSWORD, Conversation, open_queue, user_row
from test_web_chat import chat_sign_in, click, send, until, wait_live

FROM_MODERATORS = "From the marketplace's moderators"


@pytest.fixture
def chat(server):
    conversation = Conversation(server)
    yield conversation
    conversation.close()


# --- The web chat as one participant sees it -------------------------------------------------------

def open_chat(driver, server, email, chat):
    """Signs `email` in to /chat, waits for the live socket and opens the test's conversation."""
    chat_sign_in(driver, server, email, PASSWORD)
    wait_live(driver)
    click(driver, f'.session[data-session-id="{chat.session_id}"]')
    until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-conversation-title]").text == chat.product)
    # Its messages are fetched after the title is shown; the block button comes with them.
    until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "button[data-block]").is_displayed())


def message_item(driver, text):
    """The list item of the message whose body contains `text`, or None."""
    for item in driver.find_elements(By.CSS_SELECTOR, "[data-message-list] li.message"):
        if text in item.find_element(By.CSS_SELECTOR, ".message__body").text:
            return item
    return None


def block_button(driver):
    button = driver.find_element(By.CSS_SELECTOR, "button[data-block]")
    return button.text, button.get_attribute("aria-pressed")


def blocked_notice(driver):
    """The composer's blocked notice as shown, or None while hidden."""
    element = driver.find_element(By.CSS_SELECTOR, "p[data-blocked-notice]")
    return element.text if element.is_displayed() else None


def composer_disabled(driver):
    """Whether the composer's textarea and its button are both disabled (None when they differ)."""
    controls = [driver.find_element(By.ID, "composer-body"),
                driver.find_element(By.CSS_SELECTOR, "[data-composer] button[type=submit]")]
    states = {not control.is_enabled() for control in controls}
    return states.pop() if len(states) == 1 else None


def composer_error(driver):
    element = driver.find_element(By.CSS_SELECTOR, "[data-composer-error]")
    return element.text if element.is_displayed() else None


def banner(driver):
    element = driver.find_element(By.CSS_SELECTOR, "[data-banner]")
    return element.text if element.is_displayed() else None


def report_dialog_open(driver):
    return driver.find_element(By.CSS_SELECTOR, "dialog[data-report-dialog]").get_attribute("open") is not None


def signed_out(driver):
    """The sign-in view is shown and the inbox is not."""
    return (driver.find_element(By.ID, "signin-email").is_displayed()
            and not driver.find_element(By.CSS_SELECTOR, "[data-view=inbox]").is_displayed())


# --- Tests ----------------------------------------------------------------------------------------

def test_blocking_the_vendor_disables_both_composers_and_unblocking_lets_the_vendor_send_again(
        fresh_browser, server, chat):
    customer, vendor = fresh_browser(), fresh_browser()
    open_chat(customer, server, chat.customer_email, chat)
    open_chat(vendor, server, chat.vendor_email, chat)
    assert block_button(customer) == ("Block", "false")
    assert blocked_notice(customer) is None and composer_disabled(customer) is False

    # The customer blocks the vendor.
    click(customer, "button[data-block]")
    until(customer, lambda d: block_button(d) == ("Unblock", "true"))
    assert "You blocked this person" in until(customer, blocked_notice)
    assert composer_disabled(customer) is True
    r = chat.api(chat.customer_token).get(f"/chat-sessions/{chat.session_id}")
    assert r.json()["blocked_by_me"] is True, r.text
    r = chat.api(chat.vendor_token).get(f"/chat-sessions/{chat.session_id}")
    assert r.json()["blocked_by_other"] is True, r.text
    screenshot(customer, "web-chat-safety-blocked-by-me")

    # The vendor's open page hears session.updated and shows the block without a reload.
    assert "This person blocked you" in until(vendor, blocked_notice)
    until(vendor, lambda d: composer_disabled(d) is True)
    assert block_button(vendor) == ("Block", "false")  # the vendor blocked no one
    screenshot(vendor, "web-chat-safety-blocked-by-other")

    # The customer unblocks; the vendor's page hears that too.
    click(customer, "button[data-block]")
    until(customer, lambda d: block_button(d) == ("Block", "false"))
    until(customer, lambda d: blocked_notice(d) is None)
    until(customer, lambda d: composer_disabled(d) is False)
    until(vendor, lambda d: composer_disabled(d) is False)
    until(vendor, lambda d: blocked_notice(d) is None)

    answer = f"Sorry for the wait, it ships tomorrow ({uuid.uuid4().hex[:8]})"
    send(vendor, answer)
    until(vendor, lambda d: message_item(d, answer))
    assert composer_error(vendor) is None
    item = until(customer, lambda d: message_item(d, answer))
    assert "message--theirs" in item.get_attribute("class")


def test_reporting_a_message_from_the_web_chat_puts_it_in_the_moderation_queue_with_the_note(
        fresh_browser, signed_in, server, chat):
    offer = f"Pay me by bank transfer instead, it is cheaper ({uuid.uuid4().hex[:8]})"
    message = chat.send(chat.vendor_token, offer)
    note = f"Wants payment outside the marketplace ({uuid.uuid4().hex[:8]})"

    customer = fresh_browser()
    open_chat(customer, server, chat.customer_email, chat)
    item = until(customer, lambda d: message_item(d, offer))
    assert "message--theirs" in item.get_attribute("class")
    report = item.find_element(By.CSS_SELECTOR, ".message__meta button[data-report-message]")
    assert report.text == "Report" and report.get_attribute("data-report-message") == str(message["id"])
    report.click()

    dialog = wait(customer).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog[data-report-dialog]")))
    assert dialog.find_element(By.CSS_SELECTOR, "[data-report-about]").text == "this message"
    Select(dialog.find_element(By.ID, "report-reason")).select_by_visible_text("Scam or fraud")
    dialog.find_element(By.ID, "report-note").send_keys(note)
    screenshot(customer, "web-chat-safety-report-dialog")
    dialog.find_element(By.XPATH, ".//button[@type='submit'][normalize-space()='Send report']").click()

    until(customer, lambda d: not report_dialog_open(d))
    assert "Thank you" in until(customer, banner)
    assert not customer.find_element(By.CSS_SELECTOR, "[data-report-error]").is_displayed()
    screenshot(customer, "web-chat-safety-reported")

    row = open_queue(signed_in, server, chat.product, "?state=open")
    assert note in row.text
    assert "scam" in row.text.lower()
    assert chat.vendor_name in row.find_element(By.CSS_SELECTOR, "[data-reported-user]").text
    link = row.find_element(By.LINK_TEXT, "Open the conversation")
    assert link.get_attribute("href").endswith(f"#message-{message['id']}")


def test_a_moderators_warning_appears_live_in_the_warned_participants_web_chat_as_a_system_message(
        fresh_browser, signed_in, server, chat):
    rude = f"Answer me now or else ({uuid.uuid4().hex[:8]})"
    chat.send(chat.vendor_token, rude)
    chat.report(chat.customer_token, "harassment")
    warning = f"Please keep the conversation polite ({uuid.uuid4().hex[:8]})."

    vendor = fresh_browser()
    open_chat(vendor, server, chat.vendor_email, chat)
    until(vendor, lambda d: message_item(d, rude))
    document = vendor.find_element(By.TAG_NAME, "html")

    admin = signed_in
    row = open_queue(admin, server, chat.product, "?state=open")
    row.find_element(By.CSS_SELECTOR, "details summary").click()
    box = wait(admin).until(EC.visibility_of(row.find_element(By.CSS_SELECTOR, "textarea[name=warning]")))
    box.send_keys(warning)
    row.find_element(By.CSS_SELECTOR, "button[name=decision][value=warn]").click()
    notice(admin, "Case #")

    item = until(vendor, lambda d: message_item(d, warning))
    classes = item.get_attribute("class").split()
    assert "message--system" in classes
    assert "message--mine" not in classes and "message--theirs" not in classes
    assert item.find_element(By.CSS_SELECTOR, "p.message__from").text == FROM_MODERATORS
    assert item.find_elements(By.CSS_SELECTOR, "button[data-report-message]") == []
    # Live: the same document, no reload.
    assert document.tag_name == "html"
    screenshot(vendor, "web-chat-safety-warning")


def test_banning_a_user_from_the_users_page_signs_them_out_of_an_open_web_chat(
        fresh_browser, signed_in, server, chat):
    customer = fresh_browser()
    open_chat(customer, server, chat.customer_email, chat)

    admin = signed_in
    row = user_row(admin, server, chat.customer_email)
    row.find_element(By.XPATH, ".//button[normalize-space()='Ban']").click()
    assert f"Ban {chat.customer_name}?" in confirm_dialog(admin)
    notice(admin, chat.customer_name)

    until(customer, signed_out, seconds=5)
    screenshot(customer, "web-chat-safety-banned")
    # Signed out for good: the token left the tab, so a reload stays on the sign-in view.
    customer.refresh()
    until(customer, signed_out)
