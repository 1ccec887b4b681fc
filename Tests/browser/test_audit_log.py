"""The audit log (issue 12) in real Chromium: administrators' actions (a settings change, a failed
sign-in, a ban and an unban, an erasure, an export) show up at the top of /admin/audit, newest
first, filtered by action or administrator, and "Export CSV" downloads the filtered list. Each test
makes its own accounts (admin forms over httpx), so none depends on another or on the demo data.
Screenshots: audit-*.png."""
import csv
import io
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, screenshot, wait_for_download
from pages import confirm_dialog, notice, wait
from parley_api import CSRF, admin_session

PASSWORD = "audit-test-password"
CSV_COLUMNS = ["ID", "At (UTC)", "Administrator ID", "Administrator", "Email", "Action", "Target", "Target IDs",
               "Summary", "Client address"]


# --- Fresh accounts ---------------------------------------------------------------------------------

def create_user(server, role, name, email):
    """Creates an account through the admin panel's form, as the other suites do."""
    admin = admin_session(server, ADMIN_EMAIL, ADMIN_PASSWORD)
    try:
        page = admin.get("/admin/users/create")
        r = admin.post("/admin/users", data={"_csrf": CSRF.search(page.text).group(1), "name": name,
                                             "email": email, "password": PASSWORD, "role": role})
        assert r.status_code == 200 and f"User {name} created." in r.text, r.text
    finally:
        admin.close()


@pytest.fixture
def customer(server):
    tag = uuid.uuid4().hex[:8]
    name, email = f"Audited customer {tag}", f"customer-{tag}@audit.test"
    create_user(server, "customer", name, email)
    return name, email


# --- Pages --------------------------------------------------------------------------------------------

def audit_rows(driver):
    """The audit table's rows as shown, newest first."""
    rows = []
    for row in driver.find_elements(By.CSS_SELECTOR, "tbody tr.table__row"):
        cells = row.find_elements(By.TAG_NAME, "td")
        actor = cells[1].text.split("\n")
        rows.append({
            "at": cells[0].find_element(By.TAG_NAME, "time").get_attribute("datetime"),
            "actor": actor[0], "email": actor[1] if len(actor) > 1 else "",
            "action": cells[2].text, "target": cells[3].text, "summary": cells[4].text, "from": cells[5].text,
        })
    return rows


def open_audit(driver, server, query=""):
    driver.get(server + "/admin/audit" + query)
    title = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1.page__title")))
    loaded(driver)
    assert title.text == "Audit log", driver.find_element(By.TAG_NAME, "body").text[:300]
    return audit_rows(driver)


def loaded(driver):
    """Waits until the page a click opened has been read to its end (its pagination included)."""
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete"
                       and d.find_elements(By.CSS_SELECTOR, ".pagination__summary"))


def filter_audit(driver, actor=None, action=None):
    old = driver.find_element(By.TAG_NAME, "html")
    if actor is not None:
        Select(driver.find_element(By.ID, "actor")).select_by_value(actor)
    if action is not None:
        Select(driver.find_element(By.ID, "action")).select_by_value(action)
    driver.find_element(By.CSS_SELECTOR, "form.audit-filters button[type=submit]").click()
    wait(driver).until(EC.staleness_of(old))
    loaded(driver)
    return audit_rows(driver)


def total_entries(driver):
    """M of "Showing 1 to N of M entries"; 0 for "No entries"."""
    text = driver.find_element(By.CSS_SELECTOR, ".pagination__summary").get_attribute("textContent").strip()
    if text == "No entries":
        return 0
    assert text.startswith("Showing ") and " of " in text, text
    return int(text.rsplit(" of ", 1)[1].split()[0].replace(",", ""))


def user_row(driver, server, search, email):
    driver.get(server + "/admin/users?search=" + search)
    return wait(driver).until(lambda d: next(
        (r for r in d.find_elements(By.CSS_SELECTOR, "tbody tr") if email in r.text), None))


def user_id(driver, server, email):
    return int(user_row(driver, server, email, email).find_element(By.TAG_NAME, "td").text)


def contact_policy(driver, server):
    driver.get(server + "/admin/settings")
    return driver.find_element(By.CSS_SELECTOR, "input[name=contact_details]:checked").get_attribute("value")


def save_contact_policy(driver, server, value):
    driver.get(server + "/admin/settings")
    driver.find_element(By.CSS_SELECTOR, f"input[name=contact_details][value={value}]").click()
    driver.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
    notice(driver, f"Contact details in messages: {value}.")


def admin_name(driver):
    return driver.find_element(By.CSS_SELECTOR, ".sidebar__user").text


# --- Tests --------------------------------------------------------------------------------------------

def test_a_settings_change_is_listed_first_with_its_summary_and_the_action_filter_keeps_or_hides_it(
        signed_in, server):
    driver = signed_in
    previous = contact_policy(driver, server)
    target = "flag" if previous != "flag" else "hide"
    try:
        save_contact_policy(driver, server, target)
        name = admin_name(driver)

        driver.find_element(By.CSS_SELECTOR, ".sidebar a.sidebar__link[href='/admin/audit']").click()
        wait(driver).until(lambda d: d.current_url.endswith("/admin/audit"))
        loaded(driver)
        assert driver.find_element(By.CSS_SELECTOR, ".sidebar__link--active[href='/admin/audit']").text == "Audit log"
        rows = audit_rows(driver)
        assert rows, driver.find_element(By.TAG_NAME, "body").text[:300]
        top = rows[0]
        assert top["action"] == "Settings changed", rows[:3]
        assert (top["actor"], top["email"]) == (name, ADMIN_EMAIL)
        assert top["target"] == "settings"
        assert top["summary"] == f"contact details: {previous} → {target}"
        times = [r["at"] for r in rows]
        assert times == sorted(times, reverse=True)
        screenshot(driver, "audit-settings-changed")

        shown = filter_audit(driver, action="settings_changed")
        assert "action=settings_changed" in driver.current_url
        assert shown and shown[0] == top
        assert {r["action"] for r in shown} == {"Settings changed"}

        shown = filter_audit(driver, action="webhook_created")
        assert "action=webhook_created" in driver.current_url
        assert top not in shown
        assert all(r["action"] == "Webhook created" for r in shown)
        if not shown:
            assert "No entries found" in driver.find_element(By.CSS_SELECTOR, ".empty-state").text
    finally:
        if contact_policy(driver, server) != previous:
            save_contact_policy(driver, server, previous)


def test_a_failed_sign_in_is_listed_with_the_typed_email_and_never_the_password(signed_in, server, fresh_browser):
    tag = uuid.uuid4().hex[:8]
    email = f"admin-{tag}@audit.test"
    wrong = f"wrong-password-{tag}"
    create_user(server, "admin", f"Second admin {tag}", email)

    stranger = fresh_browser()
    stranger.get(server + "/admin/login")
    stranger.find_element(By.ID, "email").send_keys(email)
    stranger.find_element(By.ID, "password").send_keys(wrong)
    stranger.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    # Signing in checks a bcrypt hash on low-priority threads: slow on a busy machine.
    error = wait(stranger, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]")))
    assert "do not match an administrator account" in error.text
    assert "/admin/login" in stranger.current_url
    assert stranger.find_element(By.ID, "password").get_attribute("value") == ""
    assert wrong not in stranger.page_source

    driver = signed_in
    rows = open_audit(driver, server, "?action=sign_in_failed")
    assert rows, driver.find_element(By.TAG_NAME, "body").text[:300]
    top = rows[0]
    assert top["action"] == "Failed sign-in"
    assert top["email"] == email
    assert top["actor"] == "—"  # nobody was signed in
    assert top["summary"] == "wrong email or password"
    filtered = driver.page_source
    everything = open_audit(driver, server)
    assert top in everything  # the unfiltered list shows it too
    for page in (filtered, driver.page_source):
        for secret in (wrong, PASSWORD, ADMIN_PASSWORD):
            assert secret not in page
    screenshot(driver, "audit-failed-sign-in")


def test_banning_and_unbanning_a_customer_on_the_users_page_are_both_listed_with_the_user_id(
        signed_in, server, customer):
    driver = signed_in
    name, email = customer
    uid = user_id(driver, server, email)

    row = user_row(driver, server, email, email)
    row.find_element(By.XPATH, ".//button[normalize-space()='Ban']").click()
    assert f"Ban {name}?" in confirm_dialog(driver)
    notice(driver, f"{name} is banned.")

    top = open_audit(driver, server)[0]
    assert (top["action"], top["target"]) == ("User banned", f"user #{uid}")
    assert (top["actor"], top["email"]) == (admin_name(driver), ADMIN_EMAIL)

    row = user_row(driver, server, email, email)
    row.find_element(By.XPATH, ".//button[normalize-space()='Unban']").click()
    notice(driver, f"{name} is no longer banned.")

    rows = open_audit(driver, server)
    assert [(r["action"], r["target"]) for r in rows[:2]] == \
        [("User unbanned", f"user #{uid}"), ("User banned", f"user #{uid}")]
    screenshot(driver, "audit-ban-unban")
    shown = filter_audit(driver, action="user_banned")
    assert shown[0]["target"] == f"user #{uid}"
    assert {r["action"] for r in shown} == {"User banned"}


def test_export_csv_downloads_the_filtered_list_and_the_export_is_listed_afterwards(signed_in, server, downloads):
    driver = signed_in
    open_audit(driver, server)
    labels = {o.get_attribute("value"): o.get_attribute("textContent").strip() for o in
              driver.find_elements(By.CSS_SELECTOR, "select#action option") if o.get_attribute("value")}
    admin_id = next(o.get_attribute("value") for o in driver.find_elements(By.CSS_SELECTOR, "select#actor option")
                    if ADMIN_EMAIL in o.get_attribute("textContent"))
    shown = filter_audit(driver, actor=admin_id)
    assert f"actor={admin_id}" in driver.current_url
    assert shown and {(r["actor"], r["email"]) for r in shown} == {(admin_name(driver), ADMIN_EMAIL)}
    total = total_entries(driver)

    link = driver.find_element(By.LINK_TEXT, "Export CSV")
    assert link.get_attribute("href") == f"{server}/admin/audit/export.csv?actor={admin_id}"
    for old in downloads.glob("audit-log-*"):
        old.unlink()
    link.click()
    path = wait_for_download(downloads, ".csv", prefix="audit-log-")
    table = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    path.unlink()

    assert table[0] == CSV_COLUMNS
    entries = [dict(zip(CSV_COLUMNS, row)) for row in table[1:]]
    # The export is recorded before the file is written, so it is its own newest row.
    assert len(entries) == total + 1
    export = entries[0]
    assert (export["Action"], export["Target"], export["Administrator ID"], export["Email"]) == \
        ("export", "audit_log", admin_id, ADMIN_EMAIL)
    assert export["Summary"] == f"CSV of the audit log (actor={admin_id})"

    def text(cell):
        # The CSV's formula guard puts an apostrophe before text a spreadsheet would run.
        return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell

    def as_shown(entry):
        """A CSV row as the page shows it (AuditIndexModel)."""
        ids = [f"#{i}" for i in entry["Target IDs"].split(",") if i]
        target = entry["Target"].replace("_", " ")
        if target and ids:
            target += " " + ", ".join(ids[:10]) + (f" and {len(ids) - 10} more" if len(ids) > 10 else "")
        return {"at": entry["At (UTC)"].replace(" ", "T") + "Z", "actor": text(entry["Administrator"]) or "—",
                "email": text(entry["Email"]), "action": labels.get(entry["Action"], entry["Action"]),
                "target": target, "summary": text(entry["Summary"]), "from": text(entry["Client address"])}

    assert [as_shown(e) for e in entries[1:len(shown) + 1]] == shown
    assert {e["Administrator ID"] for e in entries} == {admin_id}

    # Afterwards the page lists the export itself, first.
    driver.refresh()
    rows = wait(driver).until(lambda d: audit_rows(d))
    assert total_entries(driver) == total + 1
    assert rows[0] == as_shown(export)
    assert rows[0]["action"] == "Export" and rows[0]["target"] == "audit log"
    assert rows[1:] == shown[:len(rows) - 1]
    screenshot(driver, "audit-export")


def test_erasing_a_user_shows_deleted_user_and_records_the_erasure_without_the_old_name(
        signed_in, server, customer):
    driver = signed_in
    name, email = customer
    row = user_row(driver, server, email, email)
    uid = int(row.find_element(By.TAG_NAME, "td").text)
    row.find_element(By.CSS_SELECTOR, "a[title=Edit]").click()
    wait(driver).until(EC.presence_of_element_located((By.ID, "personal-data-heading")))
    assert driver.find_element(By.ID, "name").get_attribute("value") == name

    driver.find_element(By.CSS_SELECTOR, "form[action$='/erase'] input[name=confirm]").click()
    driver.find_element(By.XPATH, "//button[contains(normalize-space(), 'Erase personal data')]").click()
    assert "cannot be undone" in confirm_dialog(driver)
    notice(driver, f"The personal data of user #{uid} was erased")
    assert driver.find_element(By.ID, "name").get_attribute("value") == "Deleted user"

    row = user_row(driver, server, f"deleted-{uid}@erased.invalid", f"deleted-{uid}@erased.invalid")
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[:2] == [str(uid), "Deleted user"]
    driver.get(server + "/admin/users?search=" + email)
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".empty-state")))
    assert name not in driver.page_source
    screenshot(driver, "audit-erased-user")

    rows = open_audit(driver, server)
    top = rows[0]
    assert (top["action"], top["target"]) == ("Personal data erased", f"user #{uid}")
    assert (top["actor"], top["email"]) == (admin_name(driver), ADMIN_EMAIL)
    assert f"#{uid}" in top["summary"] and "erased" in top["summary"]
    assert name not in top["summary"] and email not in top["summary"]
    # Nothing this administrator did recorded the name or email (user edits record only *that*
    # they changed), so the log holds neither anywhere.
    assert name not in driver.page_source and email not in driver.page_source
    screenshot(driver, "audit-erasure")
