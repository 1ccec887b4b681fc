"""The Webhooks page (issue 11) in real Chromium: an administrator adds an endpoint through the
form, sees its secret once, edits it (switching it off) and deletes it after confirming.
Screenshots: webhooks-*.png."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from pages import confirm_dialog, notice, wait

# Nothing listens on the discard port: no event is sent anywhere while the test runs.
HOOK_URL = "http://127.0.0.1:9/parley-browser-hook"


def webhook_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "tbody tr.table__row[data-webhook-id]")


def test_an_endpoint_is_added_shows_its_secret_once_is_edited_and_deleted(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/webhooks")
    driver.find_element(By.CSS_SELECTOR, ".sidebar__link--active[href='/admin/webhooks']")
    driver.find_element(By.LINK_TEXT, "New endpoint").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "url"))).send_keys(HOOK_URL)
    driver.find_element(By.ID, "description").send_keys("Browser test CRM")
    driver.find_element(By.ID, "event-message-created").click()
    driver.find_element(By.ID, "event-messages-read").click()
    driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()

    secret_box = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[data-copy-source]")))
    secret = secret_box.get_attribute("value")
    assert len(secret) >= 16
    assert "will not be shown again" in driver.find_element(By.CSS_SELECTOR, "[data-copy-hint]").text
    assert driver.find_element(By.CSS_SELECTOR, "button[data-copy]").is_displayed()
    screenshot(driver, "webhooks-created")

    driver.find_element(By.PARTIAL_LINK_TEXT, "back to Webhooks").click()
    wait(driver).until(lambda d: len(webhook_rows(d)) == 1)
    row = webhook_rows(driver)[0]
    assert HOOK_URL in row.text and "message.created" in row.text and "Enabled" in row.text
    assert secret not in driver.page_source
    screenshot(driver, "webhooks-list")

    row.find_element(By.CSS_SELECTOR, "a[title=Edit]").click()
    description = wait(driver).until(EC.presence_of_element_located((By.ID, "description")))
    assert secret not in driver.page_source
    assert driver.find_element(By.ID, "event-messages-read").is_selected()
    assert "No deliveries yet." in driver.find_element(By.ID, "deliveries").text
    description.clear()
    description.send_keys("Browser test CRM, paused")
    assert driver.find_element(By.ID, "enabled").is_selected()
    driver.find_element(By.CSS_SELECTOR, ".switch__track").click()
    driver.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    notice(driver, "saved; it is off.")
    assert not driver.find_element(By.ID, "enabled").is_selected()
    assert driver.find_element(By.ID, "description").get_attribute("value") == "Browser test CRM, paused"
    screenshot(driver, "webhooks-edit")

    driver.find_element(By.LINK_TEXT, "Webhooks").click()
    row = wait(driver).until(lambda d: webhook_rows(d))[0]
    assert "Disabled" in row.text and "paused" in row.text
    row.find_element(By.CSS_SELECTOR, "button[title=Delete]").click()
    message = confirm_dialog(driver)
    assert HOOK_URL in message and "cannot be undone" in message
    notice(driver, f"Webhook endpoint {HOOK_URL} deleted.")
    assert webhook_rows(driver) == []
    assert "No webhook endpoints yet" in driver.page_source
