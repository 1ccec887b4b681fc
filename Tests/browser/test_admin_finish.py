"""The admin panel's finish, in real Chromium: nothing clipped, panels that close like menus, icon
actions on one line, toasts, a real switch, aligned cards, a phone layout and readable contrast.
Saves the screenshot set to artifacts/screenshots/."""
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, screenshot
from pages import check_rows, choose, confirm_dialog, notice, rows, sign_in, submit_search, wait, wait_for_url

LIST = "/admin/chat-sessions"
ACTIONS = ".table__actions a, .table__actions button"


def rect(driver, element):
    return driver.execute_script("const r = arguments[0].getBoundingClientRect();"
                                 "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
                                 " width: r.width, height: r.height};", element)


def page_scrolls_sideways(driver):
    return driver.execute_script("const root = document.documentElement;"
                                 "return root.scrollWidth > root.clientWidth;")


def is_open(details):
    return details.get_attribute("open") is not None


def press(driver, key):
    ActionChains(driver).send_keys(key).perform()


def show_optional_columns(driver, *keys):
    details = driver.find_element(By.CSS_SELECTOR, "details.columns-toggle")
    details.find_element(By.CSS_SELECTOR, "summary").click()
    for key in keys:
        box = details.find_element(By.CSS_SELECTOR, f"input[data-column='{key}']")
        if not box.is_selected():
            box.click()
    details.find_element(By.CSS_SELECTOR, "summary").click()


def forget_columns(driver):
    driver.execute_script("Object.keys(localStorage).filter(k => k.startsWith('parley.columns.'))"
                          ".forEach(k => localStorage.removeItem(k));")


def has_icon(driver, element):
    """An inline <svg>, or (for the list's Swift-built rows) an icon drawn by a masked ::before."""
    return driver.execute_script("""
        const element = arguments[0];
        const svg = element.querySelector('svg');
        if (svg) { const r = svg.getBoundingClientRect(); return r.width >= 12 && r.height >= 12; }
        const before = getComputedStyle(element, '::before');
        const mask = before.maskImage || before.webkitMaskImage;
        return !!mask && mask !== 'none' && parseFloat(before.width) >= 12;""", element)


def test_row_actions_stay_visible_with_every_column_at_1440px(signed_in, server):
    driver = signed_in
    driver.set_window_size(1440, 1000)
    driver.get(server + LIST)
    try:
        show_optional_columns(driver, "created_at", "updated_at")
        assert driver.find_element(By.CSS_SELECTOR, "th[data-column='updated_at']").is_displayed()
        assert not page_scrolls_sideways(driver)
        wrap = driver.find_element(By.CSS_SELECTOR, ".table__wrap")
        table_rows = rows(driver)
        for row in table_rows[:5] + table_rows[-1:]:
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
            box = rect(driver, wrap)
            viewport = driver.execute_script("return document.documentElement.clientWidth")
            actions = row.find_elements(By.CSS_SELECTOR, ACTIONS)
            assert len(actions) == 4
            for action in actions:
                r = rect(driver, action)
                assert r["width"] > 0 and r["left"] >= box["left"] and r["right"] <= min(box["right"], viewport), r
                # Nothing covers it: the point at its centre belongs to the action itself.
                hit = driver.execute_script(
                    "const r = arguments[0].getBoundingClientRect();"
                    "const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                    "return arguments[0].contains(e);", action)
                assert hit, action.get_attribute("outerHTML")
        screenshot(driver, "finish-list-all-columns")
    finally:
        forget_columns(driver)


def test_filter_and_column_panels_close_on_escape_and_outside_click(signed_in, server):
    driver = signed_in
    for selector in ["details.filters", "details.columns-toggle"]:
        driver.get(server + LIST)
        details = driver.find_element(By.CSS_SELECTOR, selector)
        summary = details.find_element(By.CSS_SELECTOR, "summary")
        summary.click()
        assert is_open(details)
        press(driver, Keys.ESCAPE)
        wait(driver, 3).until(lambda d: not is_open(details))
        assert driver.switch_to.active_element == summary, "Escape gives the focus back to the panel's button"
        summary.click()
        assert is_open(details)
        driver.find_element(By.CSS_SELECTOR, "h1.page__title").click()
        wait(driver, 3).until(lambda d: not is_open(details))

    # Escape in an open searchable dropdown closes the dropdown first, then the panel.
    driver.get(server + LIST)
    filters = driver.find_element(By.CSS_SELECTOR, "details.filters")
    filters.find_element(By.CSS_SELECTOR, "summary").click()
    box = driver.find_element(By.ID, "filter-customer")
    box.send_keys("a")
    listbox = filters.find_element(By.CSS_SELECTOR, "[data-combobox-list]")
    wait(driver).until(lambda d: listbox.is_displayed())
    box.send_keys(Keys.ESCAPE)
    wait(driver, 3).until(lambda d: not listbox.is_displayed())
    assert is_open(filters)
    box.send_keys(Keys.ESCAPE)
    wait(driver, 3).until(lambda d: not is_open(filters))

    # Opening one panel closes the other.
    filters.find_element(By.CSS_SELECTOR, "summary").click()
    driver.find_element(By.CSS_SELECTOR, "details.columns-toggle > summary").click()
    assert is_open(driver.find_element(By.CSS_SELECTOR, "details.columns-toggle")) and not is_open(filters)


def test_row_actions_are_labelled_icon_buttons_on_one_line(signed_in, server):
    driver = signed_in
    driver.set_window_size(1440, 1000)
    driver.get(server + LIST)
    for row in rows(driver)[:5]:
        actions = row.find_elements(By.CSS_SELECTOR, ACTIONS)
        names = [a.accessible_name.strip().lower() for a in actions]
        assert names == ["view conversation", "manage messages", "edit", "delete"]
        # Still links and a form button: they work without JavaScript.
        assert [a.tag_name for a in actions] == ["a", "a", "a", "button"]
        assert actions[1].get_attribute("href").endswith("#messages")
        assert actions[3].get_attribute("formaction").endswith("/delete")
        tops = set()
        for action in actions:
            r = rect(driver, action)
            assert r["width"] <= 40 and r["height"] <= 40, (names, r)
            assert has_icon(driver, action)
            tops.add(round(r["top"]))
        assert len(tops) == 1, "the actions sit on one line"
        assert rect(driver, row)["height"] <= 56, "a row is one line tall"


def test_bulk_bar_appears_only_with_a_selection(signed_in, server):
    driver = signed_in
    driver.get(server + LIST)
    bar = driver.find_element(By.CSS_SELECTOR, "form[data-bulk-form] .bulk__bar")
    assert not bar.is_displayed()
    check_rows(driver, 1)
    assert bar.is_displayed()
    assert driver.find_element(By.CSS_SELECTOR, "[data-selected-count]").text == "1 selected"
    driver.find_element(By.CSS_SELECTOR, "button[value=delete]").click()
    assert confirm_dialog(driver, accept=False).startswith("Delete 1 chat session and all its messages?")
    check_rows(driver, 1)
    assert not bar.is_displayed()


def test_header_sidebar_empty_state_and_modal_use_inline_svg_icons(signed_in, server):
    driver = signed_in
    driver.get(server + LIST)
    header = [
        ("form[data-table-form] button[type=submit]", "search"),
        ("details.filters > summary", "filter"),
        ("details.columns-toggle > summary", "columns"),
    ]
    for selector, name in header:
        control = driver.find_element(By.CSS_SELECTOR, selector)
        assert control.accessible_name.strip().lower() == name
        assert control.find_elements(By.CSS_SELECTOR, "svg use")
        assert rect(driver, control)["width"] <= 48, name
    links = driver.find_elements(By.CSS_SELECTOR, ".sidebar__link")
    assert len(links) == 7 and all(link.find_elements(By.CSS_SELECTOR, "svg use") for link in links)

    rows(driver)[0].find_element(By.CSS_SELECTOR, "[data-modal-url]").click()
    dialog = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog.modal--wide[open]")))
    close = dialog.find_element(By.CSS_SELECTOR, "button")
    assert close.accessible_name == "Close" and close.find_elements(By.CSS_SELECTOR, "svg use")
    press(driver, Keys.ESCAPE)
    wait(driver).until(EC.invisibility_of_element(dialog))

    submit_search(driver, "no such thing zzz")
    wait_for_url(driver, "search=no")
    empty = driver.find_element(By.CSS_SELECTOR, ".empty-state")
    assert empty.find_elements(By.CSS_SELECTOR, "svg use")
    screenshot(driver, "finish-empty-state")


def first_unread_session(driver, server):
    driver.get(server + LIST + "?unread=1")
    return rows(driver)[0].get_attribute("data-session-id")


def test_notice_is_a_toast_that_stays_in_view_can_be_closed_and_fades(signed_in, server):
    driver = signed_in
    driver.set_window_size(1440, 1000)
    session = first_unread_session(driver, server)
    driver.get(f"{server}{LIST}/{session}/edit")
    driver.find_element(By.ID, "body").send_keys("Browser test: toast check")
    driver.find_element(By.CSS_SELECTOR, ".messages__compose button[type=submit]").click()
    notice(driver, "Message sent.")
    assert "#" in driver.current_url, "the redirect jumps within the page"
    toast = driver.find_element(By.CSS_SELECTOR, "[data-notice]")
    assert toast.is_displayed()
    assert driver.execute_script("return window.scrollY") > 0, "the page jumped to its messages"
    assert driver.execute_script("return getComputedStyle(arguments[0].parentElement).position", toast) == "fixed"
    r = rect(driver, toast)
    width, height = driver.execute_script("return [innerWidth, innerHeight]")
    assert 0 <= r["top"] <= 40 and r["bottom"] <= height and width - r["right"] <= 40, "in the top right corner"
    screenshot(driver, "finish-toast")
    close = toast.find_element(By.CSS_SELECTOR, "button")
    assert close.accessible_name == "Dismiss" and close.is_displayed()
    close.click()
    wait(driver, 3).until(lambda d: not toast.is_displayed())
    assert toast.get_attribute("textContent").strip() == "Message sent."

    # The next notice fades out by itself after a few seconds.
    mine = [r for r in driver.find_elements(By.CSS_SELECTOR, "tr[data-message-id]") if "toast check" in r.text][0]
    mine.find_element(By.CSS_SELECTOR, ".button--danger").click()
    confirm_dialog(driver, accept=True)
    notice(driver, "Message deleted.")
    toast = driver.find_element(By.CSS_SELECTOR, "[data-notice]")
    ActionChains(driver).move_to_element(driver.find_element(By.CSS_SELECTOR, "h1.page__title")).perform()
    shown = time.time()
    assert toast.is_displayed()
    wait(driver, 12).until(lambda d: not toast.is_displayed())
    assert 2 <= time.time() - shown <= 10
    assert "Message deleted." in toast.get_attribute("textContent")


def test_settings_switch_is_a_real_toggle_that_saves(signed_in, server):
    driver = signed_in
    driver.get(server + "/admin/settings")
    switch = driver.find_element(By.ID, "chat_enabled")
    assert switch.get_attribute("role") == "switch" and switch.get_attribute("type") == "checkbox"
    assert switch.accessible_name.startswith("Enable Chat in Mobile App")
    track = driver.find_element(By.CSS_SELECTOR, ".switch__track")
    r = rect(driver, track)
    assert track.is_displayed() and r["width"] >= 1.5 * r["height"] >= 30
    assert switch.is_selected()
    screenshot(driver, "finish-settings")
    try:
        track.click()
        assert not switch.is_selected()
        driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
        notice(driver, "Chat is off in the mobile app.")
        wait(driver).until(lambda d: not d.find_element(By.ID, "chat_enabled").is_selected())
        driver.get(server + "/api/v1/config")
        assert '"chat_enabled":false' in driver.page_source.replace(" ", "")
    finally:
        driver.get(server + "/admin/settings")
        if not driver.find_element(By.ID, "chat_enabled").is_selected():
            driver.find_element(By.CSS_SELECTOR, ".switch__track").click()
            driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
            wait(driver).until(lambda d: d.find_element(By.ID, "chat_enabled").is_selected())


def control_style(driver, element):
    return driver.execute_script("""
        const s = getComputedStyle(arguments[0]);
        return [s.borderTopColor, s.borderTopWidth, s.borderTopLeftRadius, s.fontSize, s.backgroundColor,
                Math.round(arguments[0].getBoundingClientRect().height)];""", element)


def test_selects_are_styled_like_the_other_inputs(signed_in, server):
    driver = signed_in
    driver.get(server + LIST)
    search = driver.find_element(By.CSS_SELECTOR, "input[name=search]")
    per_page = driver.find_element(By.CSS_SELECTOR, "select[name=per_page]")
    assert control_style(driver, per_page) == control_style(driver, search)
    driver.get(server + "/admin/users/create")
    assert control_style(driver, driver.find_element(By.ID, "role")) == control_style(
        driver, driver.find_element(By.ID, "name"))


def test_edit_page_form_and_messages_cards_line_up(signed_in, server):
    driver = signed_in
    driver.set_window_size(1440, 1000)
    driver.get(server + LIST)
    driver.get(rows(driver)[0].find_element(By.CSS_SELECTOR, "a[href$='/edit']").get_attribute("href"))
    form = rect(driver, driver.find_element(By.CSS_SELECTOR, "form[data-session-form]"))
    messages = rect(driver, driver.find_element(By.ID, "messages"))
    assert abs(form["left"] - messages["left"]) <= 1 and abs(form["right"] - messages["right"]) <= 1


def session_with_one_message(driver, server):
    """A session holding exactly one message: the demo data has some; otherwise one gets a message."""
    driver.get(server + LIST + "?sort=messages_count&dir=asc&per_page=100")
    for row in rows(driver):
        count = int(row.find_element(By.CSS_SELECTOR, "td[data-column='messages_count']").text.replace(",", ""))
        if count <= 1:
            session = row.get_attribute("data-session-id")
            if count == 0:
                driver.get(f"{server}{LIST}/{session}/edit")
                driver.find_element(By.ID, "body").send_keys("Browser test: the only message")
                driver.find_element(By.CSS_SELECTOR, ".messages__compose button[type=submit]").click()
                notice(driver, "Message sent.")
            return session
    pytest.skip("no session with fewer than two messages")


def test_one_message_is_counted_in_the_singular(signed_in, server):
    driver = signed_in
    session = session_with_one_message(driver, server)
    driver.get(f"{server}{LIST}/{session}/edit")
    summary = driver.find_element(By.CSS_SELECTOR, ".messages__header").text
    assert "1 message" in summary and "1 messages" not in summary
    driver.get(server + LIST + "?sort=messages_count&dir=asc&per_page=100")
    row = [r for r in rows(driver) if r.get_attribute("data-session-id") == session][0]
    row.find_element(By.CSS_SELECTOR, "[data-row-check]").click()
    driver.find_element(By.CSS_SELECTOR, "button[value=delete]").click()
    assert "1 chat sessions" not in confirm_dialog(driver, accept=False)


def test_one_message_is_singular_in_the_modal_and_row_confirmation(signed_in, server):
    driver = signed_in
    session = session_with_one_message(driver, server)
    driver.get(f"{server}{LIST}/{session}/conversation")
    meta = driver.find_element(By.CSS_SELECTOR, ".conversation__meta").text
    assert "1 messages" not in meta
    driver.get(server + LIST + "?sort=messages_count&dir=asc&per_page=100")
    row = [r for r in rows(driver) if r.get_attribute("data-session-id") == session][0]
    assert "1 of its messages" not in row.find_element(By.CSS_SELECTOR, ".button--danger").get_attribute(
        "data-confirm")


def phone(driver):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})


def test_phone_width_folds_the_sidebar_and_pages_fit(fresh_browser, server):
    driver = fresh_browser()
    phone(driver)
    sign_in(driver, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    driver.get(server + LIST)
    assert driver.execute_script("return innerWidth") == 390
    menu = driver.find_element(By.CSS_SELECTOR, "[data-sidebar-toggle]")
    link = driver.find_element(By.CSS_SELECTOR, ".sidebar__link[href='/admin/users']")
    assert menu.is_displayed() and menu.accessible_name == "Menu"
    assert not link.is_displayed()
    assert not page_scrolls_sideways(driver)
    screenshot(driver, "finish-phone-list")
    menu.click()
    assert link.is_displayed() and menu.get_attribute("aria-expanded") == "true"
    screenshot(driver, "finish-phone-menu")
    press(driver, Keys.ESCAPE)
    wait(driver, 3).until(lambda d: not link.is_displayed())
    assert driver.switch_to.active_element == menu

    # The table scrolls inside its card, not the page.
    wrap = driver.find_element(By.CSS_SELECTOR, ".table__wrap")
    assert driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", wrap)
    edit = rows(driver)[0].find_element(By.CSS_SELECTOR, "a[href$='/edit']").get_attribute("href")
    for path in [edit, server + "/admin/chat-sessions/create", server + "/admin/users", server + "/admin/products",
                 server + "/admin/settings"]:
        driver.get(path)
        assert not page_scrolls_sideways(driver), path
    driver.get(edit)
    screenshot(driver, "finish-phone-edit")


def test_without_javascript_lists_filters_and_menu_still_work(fresh_browser, server):
    driver = fresh_browser()
    sign_in(driver, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get(server + LIST)
    assert driver.find_element(By.CSS_SELECTOR, "form[data-bulk-form] .bulk__bar").is_displayed()
    row = rows(driver)[0]
    assert all(a.is_displayed() for a in row.find_elements(By.CSS_SELECTOR, ACTIONS))
    filters = driver.find_element(By.CSS_SELECTOR, "details.filters")
    filters.find_element(By.CSS_SELECTOR, "summary").click()
    filters.find_element(By.CSS_SELECTOR, "input[name=unread]").click()
    filters.find_element(By.CSS_SELECTOR, ".filters__actions button[type=submit]").click()
    wait_for_url(driver, "unread=1")
    submit_search(driver, "lumen")
    wait_for_url(driver, "search=lumen")
    assert "unread=1" in driver.current_url and rows(driver)
    phone(driver)
    driver.get(server + LIST)
    assert driver.find_element(By.CSS_SELECTOR, ".sidebar__link[href='/admin/users']").is_displayed()
    assert not driver.find_element(By.CSS_SELECTOR, "[data-sidebar-toggle]").is_displayed()


CONTRAST = """
const parse = (text) => {
  const m = text.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return [0, 0, 0, 0];
  const parts = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
};
const over = (top, bottom) => {
  const a = top[3] + bottom[3] * (1 - top[3]);
  if (a === 0) return [0, 0, 0, 0];
  return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
};
const background = (element) => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const colour = parse(getComputedStyle(e).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let result = [255, 255, 255, 1];
  for (const layer of layers.reverse()) result = over(layer, result);
  return result;
};
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const failures = [];
let checked = 0;
for (const selector of arguments[0]) {
  for (const element of [...document.querySelectorAll(selector)].slice(0, 8)) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !element.textContent.trim()) continue;
    const bg = background(element);
    const fg = over(parse(getComputedStyle(element).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    checked++;
    if (ratio < 4.5) failures.push(`${selector} "${element.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
  }
}
return [checked, failures];
"""

TEXT = ["body", ".page__title", ".page__breadcrumb", ".muted", ".form__hint", ".form__label", ".table th",
        ".table td", ".pagination__summary", ".pagination__link", ".sidebar__heading", ".sidebar__link span",
        ".sidebar__user", ".chip", ".button", ".bulk__count", ".table-card__export", ".empty-state p",
        ".badge--info", ".badge--primary", ".badge--warning", ".badge--success", ".badge--danger",
        ".toast__text", ".conversation__time", ".combobox__detail", "label", "a"]


def test_text_and_badges_have_a_contrast_of_at_least_4_5(signed_in, server):
    driver = signed_in
    driver.set_window_size(1440, 1000)
    session = first_unread_session(driver, server)
    pages = [LIST, LIST + "?unread=1&search=a", "/admin/users", "/admin/products", "/admin/settings",
             f"{LIST}/{session}/edit", f"{LIST}/{session}/conversation", LIST + "?search=no+such+thing+zzz"]
    total = 0
    problems = []
    for path in pages:
        driver.get(server + path)
        checked, failures = driver.execute_script(CONTRAST, TEXT)
        total += checked
        problems += [f"{path}: {failure}" for failure in failures]
    assert total > 100
    assert not problems, "\n".join(problems)


def test_screenshot_set(signed_in, server):
    driver = signed_in
    driver.set_window_size(1440, 1000)
    driver.get(server + LIST)
    screenshot(driver, "finish-list")

    driver.get(server + LIST + "?unread=1&search=a")
    driver.find_element(By.CSS_SELECTOR, "details.filters > summary").click()
    choose(driver, "filter-vendor", "Lumen", "Lumen Audio")
    screenshot(driver, "finish-filters-open")

    driver.get(server + LIST + "?sort=messages_count&dir=desc")
    rows(driver)[0].find_element(By.CSS_SELECTOR, "[data-modal-url]").click()
    dialog = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog.modal--wide[open]")))
    wait(driver).until(lambda d: dialog.find_elements(By.CSS_SELECTOR, ".conversation__message"))
    screenshot(driver, "finish-conversation-modal")
    press(driver, Keys.ESCAPE)

    driver.get(server + LIST + "/create")
    choose(driver, "product", "Sourdough")
    screenshot(driver, "finish-create-form")

    driver.get(server + LIST + "?unread=1")
    driver.get(rows(driver)[0].find_element(By.CSS_SELECTOR, "a[href$='#messages']").get_attribute("href"))
    screenshot(driver, "finish-edit-messages")
    driver.execute_script("window.scrollTo(0, 0)")
    screenshot(driver, "finish-edit-top")

    for path, name in [("/admin/users", "finish-users"), ("/admin/products", "finish-products"),
                       ("/admin/settings", "finish-settings")]:
        driver.get(server + path)
        screenshot(driver, name)

    driver.get(server + LIST + "?search=no+such+thing+zzz")
    screenshot(driver, "finish-empty-state")
