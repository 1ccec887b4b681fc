"""The controls over unread reminders in real Chromium: muting a conversation and turning email
reminders off in the web chat, and the administrators' Email reminders switch in System Settings.
Each checks what the server stored through the API, not only what the page shows."""
import httpx
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from pages import notice, wait
from parley_server import DEMO_PASSWORD
from test_web_chat import chat_sign_in, click, until, wait_live

CUSTOMER = "chloe.martin@example.com"


def api_token(server, email):
    answer = httpx.post(server + "/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def stored_session(server, headers, session_id):
    return httpx.get(f"{server}/api/v1/chat-sessions/{session_id}", headers=headers).json()


def open_first_conversation(driver):
    click(driver, "[data-sessions] button.session")
    button = until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-mute]"))
    until(driver, lambda d: button.is_displayed())
    active = driver.find_element(By.CSS_SELECTOR, "[data-sessions] .session--active")
    return button, int(active.get_attribute("data-session-id"))


def test_web_chat_mutes_and_unmutes_a_conversation(fresh_browser, server):
    driver = fresh_browser()
    headers = api_token(server, CUSTOMER)
    chat_sign_in(driver, server, CUSTOMER)
    wait_live(driver)
    button, session_id = open_first_conversation(driver)
    assert button.get_attribute("aria-pressed") == "false" and button.text == "Mute"
    button.click()
    until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-mute]").get_attribute("aria-pressed") == "true")
    assert driver.find_element(By.CSS_SELECTOR, "[data-mute]").text == "Muted"
    assert stored_session(server, headers, session_id)["muted"] is True
    screenshot(driver, "web-chat-muted")

    # After a reload the page shows what the server kept.
    driver.refresh()
    wait_live(driver)
    button, reopened = open_first_conversation(driver)
    assert reopened == session_id
    until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-mute]").get_attribute("aria-pressed") == "true")
    driver.find_element(By.CSS_SELECTOR, "[data-mute]").click()
    until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-mute]").get_attribute("aria-pressed") == "false")
    assert stored_session(server, headers, session_id)["muted"] is False


def test_web_chat_turns_email_reminders_off_and_on(fresh_browser, server):
    driver = fresh_browser()
    headers = api_token(server, CUSTOMER)
    chat_sign_in(driver, server, CUSTOMER)
    wait_live(driver)
    box = wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "[data-email-reminders]")))
    assert box.is_selected()
    assert "Email me about unread messages" in driver.find_element(By.CSS_SELECTOR, "[data-preferences]").text
    box.click()
    until(driver, lambda d: httpx.get(server + "/api/v1/me/preferences", headers=headers)
          .json()["email_reminders"] is False)
    driver.refresh()
    box = wait(driver).until(EC.element_to_be_clickable((By.CSS_SELECTOR, "[data-email-reminders]")))
    assert not box.is_selected()
    box.click()
    until(driver, lambda d: httpx.get(server + "/api/v1/me/preferences", headers=headers)
          .json()["email_reminders"] is True)


def test_admin_email_reminders_switch_saves_beside_the_chat_switch(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/settings")
    switch = driver.find_element(By.ID, "email_reminders_enabled")
    assert switch.get_attribute("role") == "switch" and switch.get_attribute("type") == "checkbox"
    assert switch.accessible_name.startswith("Email reminders")
    assert switch.is_selected() and driver.find_element(By.ID, "chat_enabled").is_selected()
    track = switch.find_element(By.XPATH, "following-sibling::span[contains(@class, 'switch__track')]")
    try:
        track.click()
        assert not switch.is_selected()
        driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
        notice(driver, "Email reminders are off.")
        assert not driver.find_element(By.ID, "email_reminders_enabled").is_selected()
        # The chat switch was saved as it stood: still on.
        assert driver.find_element(By.ID, "chat_enabled").is_selected()
        screenshot(driver, "settings-email-reminders-off")
    finally:
        driver.get(server + "/admin/settings")
        if not driver.find_element(By.ID, "email_reminders_enabled").is_selected():
            driver.find_element(By.ID, "email_reminders_enabled").find_element(
                By.XPATH, "following-sibling::span[contains(@class, 'switch__track')]").click()
            driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
            notice(driver, "Email reminders are on.")
    assert driver.find_element(By.ID, "email_reminders_enabled").is_selected()


def test_a_reminder_link_opens_its_conversation(fresh_browser, server):
    driver = fresh_browser()
    headers = api_token(server, CUSTOMER)
    sessions = httpx.get(f"{server}/api/v1/chat-sessions?limit=100", headers=headers).json()["data"]
    linked = sessions[-1]["id"]
    chat_sign_in(driver, server, CUSTOMER)
    wait_live(driver)
    driver.get(f"{server}/chat?session={linked}")
    wait_live(driver)
    active = until(driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-sessions] .session--active"))
    assert int(active.get_attribute("data-session-id")) == linked
    assert driver.current_url == f"{server}/chat"
    screenshot(driver, "chat-reminder-link")
