"""The /chat web client in real Chromium: a customer and a vendor in two browsers chat live."""
import uuid

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from parley_server import DEMO_PASSWORD, VENDOR_EMAILS
from pages import wait

PASSWORD = DEMO_PASSWORD
CUSTOMER = "lucas.ferreira@example.com"


def chat_sign_in(driver, server, email, password=PASSWORD):
    driver.get(server + "/chat")
    wait(driver).until(EC.visibility_of_element_located((By.ID, "signin-email"))).send_keys(email)
    driver.find_element(By.ID, "signin-password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "[data-signin-form] button[type=submit]").click()


def wait_live(driver):
    wait(driver).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-connection-status]")
                       .get_attribute("data-connection-status") == "live")


def until(driver, condition, seconds=10):
    """Waits for `condition`; the page re-renders lists as events arrive, so stale elements retry."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def message_state(driver, text):
    """The classes and receipt ("Sent", "Read", or None) of the message with this body, if shown."""
    for item in driver.find_elements(By.CSS_SELECTOR, "[data-message-list] .message"):
        if item.find_element(By.CSS_SELECTOR, ".message__body").text == text:
            receipts = item.find_elements(By.CSS_SELECTOR, "[data-receipt]")
            return item.get_attribute("class"), receipts[0].text if receipts else None
    return None


def click(driver, selector):
    def clicked(d):
        d.find_element(By.CSS_SELECTOR, selector).click()
        return True
    until(driver, clicked)


def send(driver, text):
    box = driver.find_element(By.ID, "composer-body")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def test_wrong_password_is_refused_with_a_message(fresh_browser, server):
    driver = fresh_browser()
    chat_sign_in(driver, server, CUSTOMER, "not-the-password")
    error = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-signin-error]")))
    assert "do not match" in error.text
    assert driver.find_element(By.CSS_SELECTOR, "[data-view=inbox]").get_attribute("hidden") is not None


def test_customer_and_vendor_chat_live_with_read_receipts(fresh_browser, server):
    customer, vendor = fresh_browser(), fresh_browser()
    chat_sign_in(customer, server, CUSTOMER)
    wait_live(customer)

    # The customer finds a product and opens the conversation about it with its vendor.
    search = wait(customer).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-product-search]")))
    search.send_keys("Speckled")
    result = until(customer, lambda d: d.find_element(By.CSS_SELECTOR, "[data-product-results] button").text)
    product_name, vendor_name = result.split(" — ")
    click(customer, "[data-product-results] button")
    until(customer, lambda d: d.find_element(By.CSS_SELECTOR, "[data-conversation-title]").text == product_name)

    chat_sign_in(vendor, server, VENDOR_EMAILS[vendor_name])
    wait_live(vendor)
    assert vendor.find_element(By.CSS_SELECTOR, "[data-user-name]").text.startswith(vendor_name)

    question = f"Is the glaze dishwasher safe? ({uuid.uuid4().hex[:8]})"
    send(customer, question)
    assert until(customer, lambda d: message_state(d, question))[1] == "Sent"

    # It reaches the vendor's list live, at the top and counted as unread.
    def top_session(d):
        first = d.find_element(By.CSS_SELECTOR, "[data-sessions] .session")
        if question not in first.text:
            return None
        return first.get_attribute("data-session-id"), first.text, first.find_element(
            By.CSS_SELECTOR, "[data-unread]").text
    session_id, row_text, unread = until(vendor, top_session)
    assert product_name in row_text
    assert int(unread) >= 1

    # Opening it marks it read, and the customer's receipt turns to "Read" without a reload.
    click(vendor, f'.session[data-session-id="{session_id}"]')
    until(vendor, lambda d: message_state(d, question))
    until(customer, lambda d: (message_state(d, question) or ("", ""))[1] == "Read")
    until(vendor, lambda d: not d.find_elements(By.CSS_SELECTOR, ".session--active [data-unread]"))

    answer = "Yes, and microwave safe too. <script>alert(1)</script>"
    send(vendor, answer)
    classes, _ = until(customer, lambda d: message_state(d, answer))
    assert "message--theirs" in classes
    assert not customer.find_elements(By.CSS_SELECTOR, "[data-message-list] script")
    screenshot(customer, "web-chat-customer")
    screenshot(vendor, "web-chat-vendor")

    customer.find_element(By.CSS_SELECTOR, "[data-sign-out]").click()
    wait(customer).until(EC.visibility_of_element_located((By.ID, "signin-email")))
    customer.refresh()
    wait(customer).until(EC.visibility_of_element_located((By.ID, "signin-email")))
