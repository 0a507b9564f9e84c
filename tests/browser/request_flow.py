"""Browser test: an officer sends a rescue request with a grant; the recipient
sees exactly the granted fields; the grant disappears when the request is
completed; the sender's disclosure log records it all.

Runs Debian's chromium through chromedriver (never a downloaded browser).
Usage: python request_flow.py BASE_URL SENDER_EMAIL RECIPIENT_EMAIL PASSWORD SENDER_ADMIN_TOKEN RECIPIENT_ORG_NAME
"""
import json
import sys
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from case_flow import driver, submit

PASSPORT = "K7654321"
NARRATIVE = "Synthetic request-flow report: last message from a compound near the river."


def login(d, base, email, password):
    d.get(base + "/login")
    d.find_element(By.ID, "email").send_keys(email)
    d.find_element(By.ID, "password").send_keys(password)
    submit(d, "form[action='/login'] button")
    assert d.current_url.endswith("/cases"), d.current_url


def logout(d):
    submit(d, "form[action='/logout'] button")


def main(base, sender, recipient, password, admin_token, recipient_org):
    d = driver()
    d.implicitly_wait(5)
    try:
        login(d, base, sender, password)
        d.get(base + "/reports/new")
        d.find_element(By.ID, "names").send_keys("CHAN Wai Kit\n陳偉傑")
        d.find_element(By.ID, "birth_date").send_keys("2001-03-04")
        d.find_element(By.ID, "nationality").send_keys("HK")
        d.find_element(By.ID, "passport_no").send_keys(PASSPORT)
        d.find_element(By.ID, "phone").send_keys("+852 5555 0199")
        d.find_element(By.ID, "last_seen_place").send_keys("KK Park, Myawaddy")
        d.find_element(By.ID, "narrative").send_keys(NARRATIVE)
        submit(d, "form.report button[type=submit]")
        case_url = d.current_url
        assert "/cases/" in case_url, case_url

        d.find_element(By.LINK_TEXT, "New request").click()
        to = Select(d.find_element(By.ID, "to_org"))
        to.select_by_visible_text(next(o.text for o in to.options if o.text.startswith(recipient_org)))
        Select(d.find_element(By.ID, "kind")).select_by_value("rescue")
        d.find_element(By.ID, "legal_basis").send_keys("police-to-police channel")
        d.find_element(By.ID, "items").send_keys("Locate and rescue the subject; confirm identity.")
        for field in ("names", "last_seen_place"):
            d.find_element(By.NAME, "grant_" + field).click()
        d.find_element(By.ID, "message").send_keys("Family reports he is held at KK Park.")
        submit(d, "form[action$='/requests'] button.primary")
        errors = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".error")]
        assert "/requests/" in d.current_url, (d.current_url, errors)
        grant = d.find_element(By.ID, "grant").text
        assert "names" in grant and "last known place" in grant and "in force" in grant, grant
        request_url = d.current_url
        logout(d)

        login(d, base, recipient, password)
        d.get(base + "/requests?direction=received")
        assert "rescue" in d.page_source
        d.get(request_url)
        d.find_element(By.LINK_TEXT, "the case this request is about").click()
        page = d.page_source
        assert "CHAN Wai Kit" in page and "陳偉傑" in page, "granted names shown"
        assert "KK Park, Myawaddy" in page, "granted last known place shown"
        assert PASSPORT not in page, "documents are not granted"
        assert "+85255550199" not in page, "contacts are not granted"
        assert NARRATIVE not in page, "narrative is not granted"
        assert "2001-03-04" not in page, "exact birth date is not granted"
        assert d.find_element(By.ID, "granted").is_displayed()

        d.get(request_url)
        for state in ("acknowledged", "accepted", "in_progress", "completed"):
            Select(d.find_element(By.ID, "to")).select_by_value(state)
            submit(d, "form[action$='/transition'] button")
        assert "not in force" in d.find_element(By.ID, "grant").text
        d.get(case_url)
        assert "Not found" in d.page_source and "CHAN Wai Kit" not in d.page_source, \
            "the grant is gone once the request is completed"
    finally:
        d.quit()

    req = urllib.request.Request(base + "/api/v1/disclosures",
                                 headers={"Authorization": "Bearer " + admin_token})
    with urllib.request.urlopen(req) as r:
        log = json.load(r)["items"]
    actions = [i["action"] for i in log]
    for a in ("request.send", "case.read.granted", "request.grant.end"):
        assert a in actions, f"disclosure log has {a}: {actions}"
    print("browser request test passed: grant shown exactly, ended on completion, disclosures logged")


if __name__ == "__main__":
    main(*sys.argv[1:7])
