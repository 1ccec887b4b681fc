"""Admin panel defects that were fixed, each checked in real Chromium the way a person meets it.
Every test fails on the old behaviour named in its docstring. Screenshots: defect-<n>.png."""
import datetime

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from conftest import screenshot
from pages import choose, column, rows, submit_search, wait, wait_for_new_page

LIST = "/admin/chat-sessions"


def search_and_wait(driver, text):
    page = driver.find_element(By.TAG_NAME, "html")
    submit_search(driver, text)
    wait_for_new_page(driver, page)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1.page__title")))


def click_and_wait(driver, element):
    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    wait_for_new_page(driver, page)
    wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "body")))


def search_box(driver):
    return driver.find_element(By.CSS_SELECTOR, "input[name=search]").get_attribute("value")


def directory_rows(driver):
    """Rows of the Users or Products table, as lists of cell texts."""
    return [[cell.text.strip() for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in driver.find_elements(By.CSS_SELECTOR, "table.table tbody tr.table__row")]


def field_errors(driver, control_id):
    """The error messages inside the form field that holds the control `control_id`."""
    field = driver.find_element(By.ID, control_id).find_element(
        By.XPATH, "./ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' field ')][1]")
    return [e.text.strip() for e in field.find_elements(By.CSS_SELECTOR, ".form__error")]


def in_viewport(driver, element):
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;", element)


def first_session_id(driver, server, query=""):
    driver.get(server + LIST + query)
    return rows(driver)[0].get_attribute("data-session-id")


def post_messages(driver, session_id, count, prefix):
    """Sends `count` messages as the customer through the compose form's endpoint, from this
    browser's signed-in session (no API send limit applies to the admin panel)."""
    return driver.execute_async_script("""
        const [sessionID, count, prefix, done] = arguments;
        const csrf = document.querySelector('meta[name=csrf-token]').content;
        (async () => {
          const statuses = [];
          for (let i = 1; i <= count; i++) {
            const body = new URLSearchParams({_csrf: csrf, body: `${prefix} ${i}`, sender: 'customer'});
            const response = await fetch(`/admin/chat-sessions/${sessionID}/messages`,
                                         {method: 'POST', body, redirect: 'manual', credentials: 'same-origin'});
            statuses.push(response.type === 'opaqueredirect' ? 303 : response.status);
          }
          done(statuses);
        })().catch(error => done(String(error)));
    """, session_id, count, prefix)


def months_ago(now, months):
    """The same day and time `months` calendar months earlier (day clamped to 28)."""
    total = now.year * 12 + (now.month - 1) - months
    return now.replace(year=total // 12, month=total % 12 + 1, day=min(now.day, 28))


def test_search_with_a_space_finds_the_name_and_keeps_it_in_the_box(signed_in, server):
    """Old: `Daniel Novak` found nothing and the box then showed `Daniel+Novak`."""
    driver = signed_in
    driver.get(server + LIST)
    search_and_wait(driver, "Daniel Novak")
    assert rows(driver), driver.current_url
    assert set(column(driver, "customer")) == {"Daniel Novak"}
    assert search_box(driver) == "Daniel Novak"
    assert any(c.text.startswith("Search: Daniel Novak") for c in driver.find_elements(By.CSS_SELECTOR, ".chip"))
    screenshot(driver, "defect-1")

    driver.get(server + "/admin/users")
    search_and_wait(driver, "Daniel Novak")
    names = [cells[1] for cells in directory_rows(driver)]
    assert names == ["Daniel Novak"], (driver.current_url, names)
    assert search_box(driver) == "Daniel Novak"
    screenshot(driver, "defect-1-users")

    driver.get(server + "/admin/products")
    search_and_wait(driver, "Sourdough Starter")
    found = [(cells[1], cells[2]) for cells in directory_rows(driver)]
    assert ("Sourdough Starter Kit", "Kettle & Crumb") in found, (driver.current_url, found)
    assert all(name.startswith("Sourdough Starter") for name, _ in found)
    assert search_box(driver) == "Sourdough Starter"
    screenshot(driver, "defect-1-products")


def test_search_ignores_case_and_accents_beyond_ascii(signed_in, server):
    """Old: `CHLOÉ` (upper-case É) and `chloe` (no accent) did not find Chloé Martin."""
    driver = signed_in
    for text in ["CHLOÉ", "chloe"]:
        driver.get(server + LIST)
        search_and_wait(driver, text)
        assert rows(driver), (text, driver.current_url)
        assert set(column(driver, "customer")) == {"Chloé Martin"}, text
        assert search_box(driver) == text
        screenshot(driver, "defect-2" if text == "chloe" else "defect-2-upper")


def test_sending_a_message_lands_on_its_page_scrolled_to_it_and_mark_read_keeps_the_page(signed_in, server):
    """Old: after sending, the edit page opened on messages page 1 (the new message, on the last
    page, out of sight); marking a message read on page 2 went back to page 1."""
    driver = signed_in
    session_id = first_session_id(driver, server, "?sort=messages_count&dir=asc")
    count = int(rows(driver)[0].find_element(By.CSS_SELECTOR, "td[data-column='messages_count']").text)
    statuses = post_messages(driver, session_id, 55 - count, "Filler message")
    assert statuses == [303] * (55 - count), statuses

    driver.get(server + f"{LIST}/{session_id}/edit")
    wait(driver).until(EC.presence_of_element_located((By.ID, "messages")))
    assert "Filler message 1" in driver.find_element(By.ID, "messages").text  # page 1 of 2
    text = "Browser defect test: the newest message"
    driver.find_element(By.ID, "body").send_keys(text)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, ".messages__compose button[type=submit]"))
    toast = wait(driver, 4).until(lambda d: next(
        (t for t in d.find_elements(By.CSS_SELECTOR, "[data-notice]") if t.is_displayed() and "Message sent." in t.text),
        None))
    assert toast.is_displayed()
    url = driver.current_url
    assert "messages_page=2" in url and "#message-" in url, url
    message_id = url.split("#message-")[1]
    row = driver.find_element(By.CSS_SELECTOR, f"tr#message-{message_id}")
    assert text in row.text
    wait(driver, 5).until(lambda d: in_viewport(d, row))
    screenshot(driver, "defect-3")

    unread = [r for r in driver.find_elements(By.CSS_SELECTOR, "#messages tr[data-message-id]")
              if r.find_elements(By.CSS_SELECTOR, "button[name=only]")]
    assert unread, "no unread message with a Mark read button on messages page 2"
    target = unread[0].get_attribute("data-message-id")
    click_and_wait(driver, unread[0].find_element(By.CSS_SELECTOR, "button[name=only]"))
    wait(driver).until(lambda d: d.find_elements(By.ID, "messages"))
    assert "messages_page=2" in driver.current_url, driver.current_url
    row = driver.find_element(By.CSS_SELECTOR, f"tr[data-message-id='{target}']")
    assert "Read" in row.text and "Unread" not in row.text
    screenshot(driver, "defect-3-mark-read")


def open_filters(driver):
    driver.find_element(By.CSS_SELECTOR, "details.filters > summary").click()
    wait(driver).until(EC.visibility_of_element_located((By.ID, "filter-customer")))


def type_customer_and_apply(driver, text):
    box = driver.find_element(By.ID, "filter-customer")
    box.clear()
    box.send_keys(text)
    # The dropdown answers (with matches or "No matches"); the name is typed, never picked.
    container = box.find_element(By.XPATH, "./ancestor::*[@data-combobox][1]")
    wait(driver).until(lambda d: container.find_element(By.CSS_SELECTOR, "[data-combobox-list]").is_displayed())
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, ".filters__actions button[type=submit]"))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1.page__title")))


def test_customer_typed_into_the_filter_without_picking_is_applied_or_refused(signed_in, server):
    """Old: a name typed without picking from the dropdown was silently dropped, so the list
    showed every session as if filtered."""
    driver = signed_in
    driver.get(server + LIST)
    open_filters(driver)
    type_customer_and_apply(driver, "Daniel Novak")
    assert rows(driver), driver.current_url
    assert set(column(driver, "customer")) == {"Daniel Novak"}
    chips = [c.text.strip() for c in driver.find_elements(By.CSS_SELECTOR, ".chip")]
    assert any(c.startswith("Customer: Daniel Novak") for c in chips), chips
    screenshot(driver, "defect-4")

    driver.get(server + LIST)
    open_filters(driver)
    type_customer_and_apply(driver, "Nobody Here")
    panel = driver.find_element(By.CSS_SELECTOR, "details.filters")
    assert panel.get_attribute("open") is not None
    assert field_errors(driver, "filter-customer") == [
        "No customer is called “Nobody Here”. Pick one from the list."]
    assert driver.find_element(By.ID, "filter-customer").get_attribute("value") == "Nobody Here"
    assert rows(driver) == []
    screenshot(driver, "defect-4-unknown")


def corrupt_csrf(driver, form_selector):
    driver.execute_script(
        "document.querySelector(arguments[0] + ' input[name=_csrf]').value = 'expired-token';", form_selector)


def test_form_with_an_expired_csrf_token_comes_back_filled_in(signed_in, server):
    """Old: the post answered a raw JSON error and everything typed was lost."""
    driver = signed_in
    driver.get(server + LIST + "/create")
    product_id = choose(driver, "product", "Sourdough", "Sourdough Starter Kit")
    wait(driver).until(lambda d: d.find_element(By.ID, "vendor").get_attribute("value") == "Kettle & Crumb")
    customer_id = choose(driver, "customer", "Amara", "Amara Okafor")
    vendor_id = driver.find_element(By.CSS_SELECTOR, "input[name=vendor_id]").get_attribute("value")
    corrupt_csrf(driver, "form[data-session-form]")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[value=create]"))
    body = driver.find_element(By.TAG_NAME, "body")
    assert not body.text.lstrip().startswith("{"), body.text[:300]
    alert = driver.find_element(By.CSS_SELECTOR, ".notice--danger")
    assert "nothing was saved" in alert.text
    assert driver.find_element(By.ID, "product").get_attribute("value") == "Sourdough Starter Kit"
    assert driver.find_element(By.ID, "customer").get_attribute("value").startswith("Amara Okafor")
    assert driver.find_element(By.ID, "vendor").get_attribute("value") == "Kettle & Crumb"
    assert [driver.find_element(By.CSS_SELECTOR, f"input[name={name}]").get_attribute("value")
            for name in ("product_id", "customer_id", "vendor_id")] == [product_id, customer_id, vendor_id]
    screenshot(driver, "defect-5")
    driver.get(server + LIST + f"?customer={customer_id}&product={product_id}")
    assert rows(driver) == [], "the session was created after all"

    session_id = first_session_id(driver, server)
    driver.get(server + f"{LIST}/{session_id}/edit")
    text = "Browser defect test: typed before the token expired"
    driver.find_element(By.ID, "body").send_keys(text)
    corrupt_csrf(driver, "form.messages__compose")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, ".messages__compose button[type=submit]"))
    body = driver.find_element(By.TAG_NAME, "body")
    assert not body.text.lstrip().startswith("{"), body.text[:300]
    assert driver.find_element(By.ID, "body").get_attribute("value") == text
    errors = driver.find_elements(By.CSS_SELECTOR, ".messages__compose .form__error")
    assert any("nothing was saved" in e.text for e in errors), [e.text for e in errors]
    assert text not in driver.find_element(By.CSS_SELECTOR, "#messages table").text
    screenshot(driver, "defect-5-message")


def test_page_past_the_end_says_so_and_links_to_the_last_page(signed_in, server):
    """Old: an empty table, as if nothing matched."""
    driver = signed_in
    driver.get(server + LIST + "?page=999")
    notice = driver.find_element(By.CSS_SELECTOR, "[data-past-end]")
    assert "Page 999 is past the end of these results" in notice.text
    assert rows(driver) == []
    screenshot(driver, "defect-6")
    click_and_wait(driver, driver.find_element(By.LINK_TEXT, "Go to the last page"))
    assert rows(driver), driver.current_url
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-past-end]")


def test_users_and_products_forms_show_every_error_beside_its_field(signed_in, server):
    """Old: only the first problem was shown, so the form had to be sent once per mistake."""
    driver = signed_in
    driver.get(server + "/admin/users/create")
    driver.find_element(By.ID, "email").send_keys("not-an-email")
    driver.find_element(By.ID, "password").send_keys("short")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    assert len(field_errors(driver, "name")) == 1
    assert len(field_errors(driver, "email")) == 1
    assert len(field_errors(driver, "password")) == 1
    assert len(driver.find_elements(By.CSS_SELECTOR, ".form__error")) == 3
    assert driver.find_element(By.ID, "email").get_attribute("value") == "not-an-email"
    screenshot(driver, "defect-7")

    driver.get(server + "/admin/products/create")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "form.form button[type=submit]"))
    assert len(field_errors(driver, "name")) == 1
    vendor_box = driver.find_element(By.CSS_SELECTOR, "form.form [data-combobox] [data-combobox-input]")
    assert len(field_errors(driver, vendor_box.get_attribute("id"))) == 1
    assert len(driver.find_elements(By.CSS_SELECTOR, ".form__error")) == 2
    screenshot(driver, "defect-7-products")


def test_unknown_admin_address_shows_the_panels_not_found_page(signed_in, server):
    """Old: an empty 404, which Chromium shows as its own error page."""
    driver = signed_in
    driver.get(server + "/admin/does-not-exist")
    assert driver.find_element(By.CSS_SELECTOR, "h1.page__title").text == "Not found"
    assert driver.find_element(By.CSS_SELECTOR, "aside.sidebar").is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "link[href='/admin/assets/admin.css']")
    screenshot(driver, "defect-8")


def test_relative_time_counts_down_1_year_11_months_as_1_year(signed_in, server):
    """Old: rounded, so 1 year and 11 months read "2 years ago"."""
    driver = signed_in
    session_id = first_session_id(driver, server)
    driver.get(server + f"{LIST}/{session_id}/edit")
    when = months_ago(datetime.datetime.now(datetime.timezone.utc), 23) - datetime.timedelta(hours=1)
    # Seconds of 30, not whatever the clock says: a datetime-local field shows ":00" as no seconds.
    value = when.replace(second=30).strftime("%Y-%m-%dT%H:%M:%S")
    field = wait(driver).until(EC.presence_of_element_located((By.ID, "last_message_at")))
    driver.execute_script("arguments[0].value = arguments[1]", field, value)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[value=save]"))
    assert driver.find_element(By.ID, "last_message_at").get_attribute("value") == value

    driver.get(server + LIST + "?sort=last_message_at&dir=asc")
    row = [r for r in rows(driver) if r.get_attribute("data-session-id") == session_id]
    assert row, "the session is not on the first page sorted by last message, oldest first"
    cell = row[0].find_element(By.CSS_SELECTOR, "td[data-column='last_message_at']")
    assert cell.text.strip() == "1 year ago", (value, cell.text)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    screenshot(driver, "defect-9")


def test_home_page_links_to_admin_sign_in_web_chat_and_api_document(fresh_browser, server):
    """Old: `GET /` had nothing to say (no page, no links)."""
    driver = fresh_browser()
    driver.get(server + "/")
    links = {a.get_attribute("href"): a.text.strip() for a in driver.find_elements(By.CSS_SELECTOR, "a[href]")}
    for path in ["/admin/login", "/chat", "/api/v1/openapi.json"]:
        assert server + path in links, (path, links)
    screenshot(driver, "defect-10")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a[href='/admin/login']"))
    assert driver.current_url.startswith(server + "/admin/login")
    assert driver.find_element(By.ID, "password").get_attribute("type") == "password"
    driver.get(server + "/")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a[href='/chat']"))
    assert driver.current_url == server + "/chat"
    assert driver.find_element(By.ID, "signin-password").get_attribute("type") == "password"
    driver.get(server + "/")
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "a[href='/api/v1/openapi.json']"))
    assert '"openapi"' in driver.find_element(By.TAG_NAME, "body").text
