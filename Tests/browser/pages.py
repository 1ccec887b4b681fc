"""Small helpers that act on admin pages the way a person would."""
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def wait(driver, seconds=10):
    # A condition may look at an element of the page a form post is just replacing; it is asked
    # again instead of failing the test.
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,))


def sign_in(driver, base, email, password):
    driver.get(base + "/admin/login")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, "h1.page__title")))


def rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "tbody tr.table__row[data-session-id]")


def column(driver, key):
    return [cell.text.strip() for cell in driver.find_elements(By.CSS_SELECTOR, f"tbody td[data-column='{key}']")]


def numbers(driver, key):
    return [int(text.replace(",", "")) for text in column(driver, key)]


def notice(driver, containing):
    """Waits for the page after a form post to show a notice containing `containing`; returns it."""
    def current(d):
        try:
            texts = [n.get_attribute("textContent").strip() for n in d.find_elements(By.CSS_SELECTOR, "[data-notice]")]
        except StaleElementReferenceException:
            return None
        return next((t for t in texts if containing in t), None)
    return wait(driver).until(current)


def choose(driver, input_id, text, pick=None):
    """Types into a searchable dropdown and clicks the first option (or the one containing `pick`)."""
    box = driver.find_element(By.ID, input_id)
    box.clear()
    box.send_keys(text)
    container = box.find_element(By.XPATH, "./ancestor::*[@data-combobox][1]")
    options = wait(driver).until(
        lambda d: [o for o in container.find_elements(By.CSS_SELECTOR, "[data-combobox-list] [role=option]")
                   if o.is_displayed() and (pick is None or pick in o.text)])
    options[0].click()
    wait(driver).until(lambda d: container.find_element(By.CSS_SELECTOR, "[data-combobox-value]").get_attribute("value"))
    return container.find_element(By.CSS_SELECTOR, "[data-combobox-value]").get_attribute("value")


def confirm_dialog(driver, accept=True):
    dialog = wait(driver).until(EC.visibility_of_element_located((By.ID, "confirm-dialog")))
    message = dialog.find_element(By.CSS_SELECTOR, "[data-confirm-message]").text
    button = "[data-confirm-accept]" if accept else "button[value=cancel]"
    dialog.find_element(By.CSS_SELECTOR, button).click()
    return message


def check_rows(driver, count):
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[data-row-check]")[:count]
    for box in boxes:
        box.click()
    return [box.get_attribute("value") for box in boxes]


def wait_for_url(driver, fragment):
    wait(driver).until(lambda d: fragment in d.current_url)


def badge(driver):
    element = driver.find_element(By.CSS_SELECTOR, "[data-live-badge]")
    if element.get_attribute("hidden") is not None:
        return 0
    return int(element.text.replace(",", "") or 0)


def wait_for_new_page(driver, old_html_element, seconds=10):
    wait(driver, seconds).until(EC.staleness_of(old_html_element))


def submit_search(driver, text):
    box = driver.find_element(By.CSS_SELECTOR, "input[name=search]")
    box.clear()
    box.send_keys(text + Keys.ENTER)


def sleep(seconds):
    time.sleep(seconds)
