"""Browser test: sign in, file a report, move the case through two transitions.

Runs Debian's chromium through chromedriver (never a downloaded browser).
Usage: python case_flow.py BASE_URL EMAIL PASSWORD
"""
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def driver():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def submit(d, css):
    """Clicks a submit button and waits for the next page to load.

    A marker is set on the current window; the next document has none. (Chromium
    156 reports a detached element as an inspector error rather than as stale, so
    staleness_of cannot be used.)
    """
    d.execute_script("window.__hw_marker = 1")
    d.find_element(By.CSS_SELECTOR, css).click()

    def loaded(drv):
        try:
            return drv.execute_script(
                "return window.__hw_marker === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False

    WebDriverWait(d, 15).until(loaded)


def main(base, email, password):
    d = driver()
    d.implicitly_wait(5)
    try:
        d.get(base + "/cases")
        assert d.current_url.endswith("/login"), "unauthenticated users are sent to sign in"
        d.find_element(By.ID, "email").send_keys(email)
        d.find_element(By.ID, "password").send_keys("wrong password")
        submit(d, "button[type=submit]")
        assert "Wrong e-mail or password" in d.page_source
        d.find_element(By.ID, "password").send_keys(password)
        submit(d, "form[action='/login'] button")
        assert d.current_url.endswith("/cases"), d.current_url

        d.get(base + "/reports/new")
        d.find_element(By.ID, "names").send_keys("NGUYEN Van An\nNguyễn Văn An")
        d.find_element(By.ID, "birth_date").send_keys("2001-02-30")
        d.find_element(By.ID, "nationality").send_keys("VN")
        d.find_element(By.ID, "phone").send_keys("+84 90 000 0101")
        d.find_element(By.ID, "narrative").send_keys("Synthetic browser-test report.")
        submit(d, "form.report button[type=submit]")
        # The invalid date is refused next to its field, and what was typed is kept.
        assert "does not exist" in d.page_source, "date error shown"
        assert "Nguyễn Văn An" in d.find_element(By.ID, "names").get_attribute("value")
        date = d.find_element(By.ID, "birth_date")
        date.clear()
        date.send_keys("2001-02-03")
        submit(d, "form.report button[type=submit]")
        assert "/cases/" in d.current_url, d.current_url
        assert "Nguyễn Văn An" in d.page_source
        assert "+84900000101" in d.page_source, "phone normalised to E.164"

        for state, reason in (("triaged", "Family confirmed identity by video call."),
                              ("verifying", "Checking passport with the embassy.")):
            Select(d.find_element(By.ID, "to")).select_by_value(state)
            d.find_element(By.ID, "reason").send_keys(reason)
            submit(d, "form[action$='/transition'] button")
            assert reason in d.page_source, f"timeline shows the move to {state}"
        badge = d.find_element(By.CSS_SELECTOR, ".badges .state").text
        assert badge == "Verifying", badge

        # An illegal move is refused with a clear message (forged select value).
        d.execute_script("document.getElementById('to').innerHTML = '<option value=\"repatriated\">x</option>'")
        d.find_element(By.ID, "reason").send_keys("skip ahead")
        submit(d, "form[action$='/transition'] button")
        assert "cannot move to" in d.page_source
        print("browser test passed: login, report, two transitions, errors shown")
    finally:
        d.quit()


if __name__ == "__main__":
    main(*sys.argv[1:4])
