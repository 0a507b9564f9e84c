"""Browser test of rescue-list reconciliation: Thailand holds an open case;
Hong Kong uploads a published list (a title line above an unrecognised
header, a row without a name, an unreadable date), maps the name column in
the preview, reconciles it, and sees the result without Thailand's case;
Thailand is told that its case may be on the list, confirms it, and the case
is released by handover.

Runs Debian's chromium through chromedriver (never a downloaded browser).
Usage: python rescue_list_flow.py BASE_URL UPLOADER_EMAIL OWNER_EMAIL PASSWORD
"""
import os
import re
import sys
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from case_flow import driver, submit
from request_flow import login, logout

LIST_NAME = "Mae Sot handover, synthetic"
CSV = (
    "Released at the Mae Sot crossing (synthetic list)\n"
    "\n"
    "Who,Born,Citizenship,Remarks\n"
    "Somchai Jaidee,2528-06-02,Thailand,walked out\n"
    ",,,no name given\n"
    "Nguyen Thi Lan,someday,VN,\n"
)


def main(base, uploader, owner, password):
    d = driver()
    d.implicitly_wait(5)
    path = os.path.join(tempfile.mkdtemp(), "mae-sot.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(CSV)
    try:
        # The owner's open case, in Thai script.
        login(d, base, owner, password)
        d.get(base + "/reports/new")
        d.find_element(By.ID, "names").send_keys("สมชาย ใจดี")
        d.find_element(By.ID, "birth_date").send_keys("1985-06-02")
        d.find_element(By.ID, "nationality").send_keys("TH")
        submit(d, "form.report button[type=submit]")
        case_url = d.current_url
        assert "/cases/" in case_url, case_url
        logout(d)

        # Upload → preview.
        login(d, base, uploader, password)
        d.get(base + "/rescue-lists")
        d.find_element(By.ID, "name").send_keys(LIST_NAME)
        Select(d.find_element(By.ID, "release_mode")).select_by_value("handover")
        d.find_element(By.ID, "file").send_keys(path)
        submit(d, "form[action='/rescue-lists/upload'] button.primary")
        assert "/rescue-lists/staged/" in d.current_url, d.current_url
        err = d.find_element(By.ID, "mapping-error").text
        assert "no column gives a name" in err, err
        assert d.find_element(By.ID, "row-count").text == "3", "the title line is not a row"

        # Mapping: "Who" is the name.
        Select(d.find_element(By.ID, "map_0")).select_by_value("full_name")
        submit(d, "button[value='preview']")
        assert d.find_element(By.ID, "usable-count").text == "2"
        assert d.find_element(By.ID, "unusable-count").text == "1"
        issues = d.find_element(By.ID, "issues").text
        assert "someday" in issues and "row not used" in issues, issues
        assert "Somchai Jaidee" in d.find_element(By.ID, "preview").text

        # Reconcile in the background; the progress page gives way to the result.
        submit(d, "button[value='reconcile']")
        WebDriverWait(d, 60).until(lambda drv: re.search(r"/rescue-lists/[0-9a-f-]{36}$", drv.current_url))
        assert d.find_element(By.ID, "rows").text == "3"
        assert d.find_element(By.ID, "unusable").text == "1"
        assert d.find_element(By.ID, "matched").text == "1", d.find_element(By.ID, "summary").text
        assert d.find_element(By.ID, "own").text == "0"
        assert "สมชาย" not in d.page_source and case_url.split("/")[-1] not in d.page_source, \
            "the uploader learns nothing of the owner's case"
        logout(d)

        # The owner is told, and confirms.
        login(d, base, owner, password)
        d.get(base + "/rescue-lists")
        text = d.find_element(By.ID, "your-cases").text
        assert f"1 people on the list '{LIST_NAME}'" in text, text
        submit(d, "#list-matches button.primary")
        assert "confirmed" in d.find_element(By.ID, "list-matches").text
        d.get(case_url)
        page = d.page_source
        assert "Released" in page and "released by handover" in page, "the case moved to released"
        assert LIST_NAME in page, "the list is the source in the timeline"
        logout(d)
    finally:
        d.quit()


if __name__ == "__main__":
    main(*sys.argv[1:5])
    print("rescue-list browser flow: ok")
