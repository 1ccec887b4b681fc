"""Clicks through the Chat Sessions resource in real Chromium."""
import csv
import io
import time

import httpx
import openpyxl
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, screenshot, wait_for_download
from pages import (badge, check_rows, choose, column, confirm_dialog, notice, numbers, rows, submit_search, wait,
                   wait_for_new_page, wait_for_url)


def test_list_shows_sessions_newest_first_with_badges(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    assert driver.find_element(By.CSS_SELECTOR, "h1.page__title").text == "Chat Sessions"
    assert len(rows(driver)) == 25
    assert "Showing 1 to 25 of" in driver.find_element(By.CSS_SELECTOR, ".pagination__summary").text
    times = [t.get_attribute("datetime") for t in driver.find_elements(
        By.CSS_SELECTOR, "tbody td[data-column='last_message_at'] time")]
    assert times == sorted(times, reverse=True)
    unread = driver.find_elements(By.CSS_SELECTOR, "tbody td[data-column='unread_count'] .badge")
    for element in unread:
        expected = "badge--warning" if int(element.text) > 0 else "badge--success"
        assert expected in element.get_attribute("class")
    assert badge(driver) > 0
    screenshot(driver, "chat-sessions-list")


def test_search_narrows_by_name(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    submit_search(driver, "lumen")
    wait_for_url(driver, "search=lumen")
    assert rows(driver)
    assert all("Lumen Audio" == vendor for vendor in column(driver, "vendor"))
    chip = driver.find_element(By.CSS_SELECTOR, ".chip[href]")
    assert "Search: lumen" in chip.text


def test_toggles_filter_unread_and_recent(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    driver.find_element(By.CSS_SELECTOR, "details.filters > summary").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=unread]").click()
    driver.find_element(By.CSS_SELECTOR, ".filters__actions button[type=submit]").click()
    wait_for_url(driver, "unread=1")
    assert rows(driver) and all(n > 0 for n in numbers(driver, "unread_count"))
    driver.find_element(By.CSS_SELECTOR, "details.filters > summary").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=unread]").click()
    driver.find_element(By.CSS_SELECTOR, "input[name=recent]").click()
    driver.find_element(By.CSS_SELECTOR, ".filters__actions button[type=submit]").click()
    wait_for_url(driver, "recent=1")
    assert "unread=1" not in driver.current_url
    now = time.time()
    for stamp in [t.get_attribute("datetime") for t in driver.find_elements(
            By.CSS_SELECTOR, "tbody td[data-column='last_message_at'] time")]:
        assert now - time.mktime(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")) + time.timezone < 7 * 86400 + 60


def test_searchable_dropdown_filters_by_customer_vendor_and_product(signed_in, server):
    driver = signed_in
    for input_id, text, pick, key in [
        ("filter-customer", "Amara", "Amara Okafor", "customer"),
        ("filter-vendor", "Lumen", "Lumen Audio", "vendor"),
        ("filter-product", "Dutch", "Cast Iron Dutch Oven", "product"),
    ]:
        driver.get(server + "/admin/chat-sessions")
        driver.find_element(By.CSS_SELECTOR, "details.filters > summary").click()
        chosen = choose(driver, input_id, text, pick)
        driver.find_element(By.CSS_SELECTOR, ".filters__actions button[type=submit]").click()
        wait_for_url(driver, f"{key}={chosen}")
        assert rows(driver), key
        assert all(pick in value or value in pick for value in column(driver, key)), key
        chip = [c for c in driver.find_elements(By.CSS_SELECTOR, ".chip") if pick.split()[0] in c.text][0]
        chip.click()
        wait(driver).until(lambda d: f"{key}=" not in d.current_url)


def test_sorting_by_header_ascending_then_descending(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    driver.find_element(By.CSS_SELECTOR, "th[data-column='messages_count'] a").click()
    wait_for_url(driver, "sort=messages_count&dir=asc")
    ascending = numbers(driver, "messages_count")
    assert ascending == sorted(ascending)
    driver.find_element(By.CSS_SELECTOR, "th[data-column='messages_count'] a").click()
    wait_for_url(driver, "dir=desc")
    descending = numbers(driver, "messages_count")
    assert descending == sorted(descending, reverse=True)
    driver.find_element(By.CSS_SELECTOR, "th[data-column='customer'] a").click()
    wait_for_url(driver, "sort=customer&dir=asc")
    names = column(driver, "customer")
    assert names == sorted(names)
    driver.back()
    wait_for_url(driver, "sort=messages_count&dir=desc")


def test_column_toggle_shows_hidden_dates_and_is_remembered(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    created = driver.find_element(By.CSS_SELECTOR, "th[data-column='created_at']")
    assert not created.is_displayed()
    driver.find_element(By.CSS_SELECTOR, "details.columns-toggle > summary").click()
    driver.find_element(By.CSS_SELECTOR, "input[data-column='created_at']").click()
    assert driver.find_element(By.CSS_SELECTOR, "th[data-column='created_at']").is_displayed()
    driver.refresh()
    assert driver.find_element(By.CSS_SELECTOR, "th[data-column='created_at']").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "tbody td[data-column='created_at']").is_displayed()
    driver.find_element(By.CSS_SELECTOR, "details.columns-toggle > summary").click()
    driver.find_element(By.CSS_SELECTOR, "input[data-column='created_at']").click()
    assert not driver.find_element(By.CSS_SELECTOR, "th[data-column='created_at']").is_displayed()


def test_pagination_and_page_size(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    Select(driver.find_element(By.CSS_SELECTOR, "select[name=per_page]")).select_by_value("10")
    wait_for_url(driver, "per_page=10")
    assert len(rows(driver)) == 10
    summary = driver.find_element(By.CSS_SELECTOR, ".pagination__summary").text
    assert summary.startswith("Showing 1 to 10 of")
    driver.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    wait_for_url(driver, "page=2")
    assert driver.find_element(By.CSS_SELECTOR, ".pagination__summary").text.startswith("Showing 11 to 20 of")


def test_conversation_modal_loads_messages(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions?sort=messages_count&dir=desc")
    first = rows(driver)[0]
    customer = first.find_element(By.CSS_SELECTOR, "td[data-column='customer']").text
    first.find_element(By.CSS_SELECTOR, "[data-modal-url]").click()
    dialog = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog.modal--wide[open]")))
    wait(driver).until(lambda d: dialog.find_elements(By.CSS_SELECTOR, ".conversation__message"))
    assert customer in dialog.text
    assert "/admin/chat-sessions" in driver.current_url and "conversation" not in driver.current_url
    screenshot(driver, "conversation-modal")
    dialog.find_element(By.CSS_SELECTOR, "button").click()
    wait(driver).until(EC.invisibility_of_element(dialog))


def test_create_and_create_another_then_create(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions/create")
    value = driver.find_element(By.ID, "last_message_at").get_attribute("value")
    assert value.startswith(time.strftime("%Y-%m-%d", time.gmtime()))
    choose(driver, "product", "Sourdough")
    # Choosing a product proposes its owner as the vendor (demo data: Kettle & Crumb sells the kit).
    wait(driver).until(lambda d: d.find_element(By.ID, "vendor").get_attribute("value") == "Kettle & Crumb")
    assert driver.find_element(By.CSS_SELECTOR, "input[name=vendor_id]").get_attribute("value")
    choose(driver, "customer", "Jonas")
    screenshot(driver, "create-form")
    # Each click loads a new page; wait for it, since the form page's notice also says "created.".
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "button[value=create_another]").click()
    wait_for_new_page(driver, page)
    notice(driver, "Create another one.")
    assert driver.current_url.endswith("/admin/chat-sessions/create")
    assert driver.find_element(By.ID, "product").get_attribute("value") == ""
    choose(driver, "product", "Tubeless")
    choose(driver, "customer", "Kenji")
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, "button[value=create]").click()
    wait_for_new_page(driver, page)
    notice(driver, "created.")
    assert driver.current_url.endswith("/admin/chat-sessions")


def test_create_form_shows_errors_beside_fields(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions/create")
    choose(driver, "customer", "Priya")
    driver.find_element(By.CSS_SELECTOR, "button[value=create]").click()
    errors = wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".form__error"))
    assert any("Choose the product" in e.text for e in errors)
    assert driver.find_element(By.ID, "customer").get_attribute("value").startswith("Priya")


def test_edit_add_mark_read_and_delete_a_message(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions?unread=1")
    rows(driver)[0].find_element(By.LINK_TEXT, "Manage Messages").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "messages")))
    driver.find_element(By.ID, "body").send_keys("Browser test: is this still available?")
    Select(driver.find_element(By.CSS_SELECTOR, "select[name=sender]")).select_by_value("customer")
    driver.find_element(By.CSS_SELECTOR, ".messages__compose button[type=submit]").click()
    notice(driver, "Message sent.")
    table = driver.find_element(By.ID, "messages")
    assert "Browser test: is this still available?" in table.text
    screenshot(driver, "edit-page")
    unread_rows = [r for r in table.find_elements(By.CSS_SELECTOR, "tr[data-message-id]") if "Unread" in r.text]
    before = len(unread_rows)
    unread_rows[0].find_element(By.CSS_SELECTOR, "button[name=only]").click()
    notice(driver, "Marked 1 message as read.")
    table = driver.find_element(By.ID, "messages")
    after = len([r for r in table.find_elements(By.CSS_SELECTOR, "tr[data-message-id]") if "Unread" in r.text])
    assert after == before - 1
    mine = [r for r in table.find_elements(By.CSS_SELECTOR, "tr[data-message-id]") if "Browser test" in r.text][0]
    mine.find_element(By.CSS_SELECTOR, ".button--danger").click()
    assert "Delete this message" in confirm_dialog(driver, accept=True)
    notice(driver, "Message deleted.")
    assert "Browser test: is this still available?" not in driver.find_element(By.ID, "messages").text


def test_edit_session_fields(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    rows(driver)[0].find_element(By.LINK_TEXT, "Edit").click()
    field = wait(driver).until(EC.presence_of_element_located((By.ID, "last_message_at")))
    driver.execute_script("arguments[0].value = '2026-01-02T03:04:05'", field)
    driver.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    notice(driver, "saved.")
    assert driver.find_element(By.ID, "last_message_at").get_attribute("value") == "2026-01-02T03:04:05"


def test_bulk_mark_read(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions?unread=1")
    before = badge(driver)
    check_rows(driver, 2)
    assert driver.find_element(By.CSS_SELECTOR, "[data-selected-count]").text.startswith("2")
    driver.find_element(By.CSS_SELECTOR, "button[value=mark_read]").click()
    text = notice(driver, "in 2 chat sessions")
    assert text.startswith("Marked ")
    marked = int(text.split()[1])
    assert badge(driver) == before - marked


def test_select_all_and_bulk_delete_with_confirmation(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions?per_page=10&sort=created_at&dir=asc")
    driver.find_element(By.CSS_SELECTOR, "[data-select-all]").click()
    assert all(b.is_selected() for b in driver.find_elements(By.CSS_SELECTOR, "input[data-row-check]"))
    driver.find_element(By.CSS_SELECTOR, "[data-select-all]").click()
    ids = check_rows(driver, 2)
    driver.find_element(By.CSS_SELECTOR, "button[value=delete]").click()
    assert "Delete 2 chat sessions" in confirm_dialog(driver, accept=True)
    notice(driver, "2 chat sessions deleted.")
    remaining = [r.get_attribute("data-session-id") for r in rows(driver)]
    assert not set(ids) & set(remaining)


def test_row_delete_asks_first(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    target = rows(driver)[0].get_attribute("data-session-id")
    rows(driver)[0].find_element(By.CSS_SELECTOR, ".button--danger").click()
    confirm_dialog(driver, accept=False)
    assert target in [r.get_attribute("data-session-id") for r in rows(driver)]
    rows(driver)[0].find_element(By.CSS_SELECTOR, ".button--danger").click()
    assert "cannot be undone" in confirm_dialog(driver, accept=True)
    notice(driver, "were deleted.")
    assert target not in [r.get_attribute("data-session-id") for r in rows(driver)]


def test_exports_csv_and_excel(signed_in, server, downloads):
    driver = signed_in
    listing = server + "/admin/chat-sessions?sort=messages_count&dir=asc"

    def download(suffix):
        path = wait_for_download(downloads, suffix)
        content = path.read_bytes()
        path.unlink()
        return content

    def workbook(content):
        return list(openpyxl.load_workbook(io.BytesIO(content)).active.values)

    driver.get(listing)
    shown = [box.get_attribute("value") for box in driver.find_elements(By.CSS_SELECTOR, "input[data-row-check]")]
    # Chosen in another order than the list's, exported in the list's.
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[data-row-check]")
    for index in (4, 0, 2):
        boxes[index].click()
    chosen = [shown[0], shown[2], shown[4]]
    driver.find_element(By.CSS_SELECTOR, "button[value=export_csv]").click()
    table = list(csv.reader(io.StringIO(download(".csv").decode("utf-8-sig"), newline="")))
    assert table[0][:4] == ["ID", "Product", "Customer", "Vendor"]
    assert [row[0] for row in table[1:]] == chosen

    driver.get(listing)
    for index in (4, 0, 2):
        driver.find_elements(By.CSS_SELECTOR, "input[data-row-check]")[index].click()
    driver.find_element(By.CSS_SELECTOR, "button[value=export_xlsx]").click()
    values = workbook(download(".xlsx"))
    assert list(values[0][:6]) == ["ID", "Product", "Customer", "Vendor", "Messages Count", "Unread Messages"]
    assert [str(row[0]) for row in values[1:]] == chosen
    assert all(isinstance(row[0], int) and isinstance(row[4], int) for row in values[1:])

    # Every matching session: the list's first page first, ordered by messages count throughout.
    driver.get(listing)
    driver.find_element(By.CSS_SELECTOR, "a[href*='/export.xlsx']").click()
    values = workbook(download(".xlsx"))
    assert values[0][0] == "ID"
    assert [str(row[0]) for row in values[1:len(shown) + 1]] == shown
    counts = [row[4] for row in values[1:]]
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_badge_follows_a_message_sent_elsewhere(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/chat-sessions")
    before = badge(driver)
    # Another administrator, in another client, sends a message as a customer through the service.
    with httpx.Client(base_url=server, follow_redirects=False) as other:
        login = other.get("/admin/login")
        token = login.text.split('name="_csrf" value="')[1].split('"')[0]
        other.post("/admin/login", data={"_csrf": token, "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
        page = other.get("/admin/chat-sessions")
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        session_id = page.text.split('data-session-id="')[1].split('"')[0]
        sent = other.post(f"/admin/chat-sessions/{session_id}/messages",
                          data={"_csrf": csrf, "body": "Live badge check", "sender": "customer"})
        assert sent.status_code == 303
    wait(driver, 10).until(lambda d: badge(d) == before + 1)
