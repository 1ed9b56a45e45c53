#!/usr/bin/python3
"""The classes page in headless Chromium: an admin replaces the list (one class a line, a colour after
the name) and saves; reports the table as the page then shows it, and the result text.

  web_classes.py BASE_URL ADMIN_TOKEN "LINE\\nLINE..." """
import json
import sys

from browser import chromium, login, wait
from selenium.webdriver.common.by import By

base, token, text = sys.argv[1], sys.argv[2], sys.argv[3].replace("\\n", "\n")
result = {}
d = chromium()
try:
    d.set_page_load_timeout(60)
    login(d, base, token)
    d.get(base + "/classes")
    wait(lambda: d.find_element(By.ID, "classes-note").text)
    box = d.find_element(By.ID, "classes-text")
    result["before"] = box.get_attribute("value")
    box.clear()
    box.send_keys(text)
    d.find_element(By.ID, "classes-save").click()
    result["saved"] = wait(lambda: d.find_element(By.ID, "classes-result").text)
    result["rows"] = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                      for tr in d.find_elements(By.CSS_SELECTOR, "#classes tbody tr")]
finally:
    print(json.dumps(result))
    d.quit()
