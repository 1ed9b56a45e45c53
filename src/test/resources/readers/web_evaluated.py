#!/usr/bin/python3
"""Opens a registered model's page in fieldcap's web app in headless Chromium, follows the first of
the frames it got most wrong as a user would (a click), and reports what the frame page draws: the
evaluated model's boxes (rect.model) and the reviewed ones, in image pixels, and the note above.

  web_evaluated.py BASE_URL TOKEN MODEL_SHA256 OUT_DIR

Prints one JSON object: {"url", "note", "model": [{"label", "x", "y", "w", "h"}], "reviewed": [...]};
saves OUT_DIR/evaluated.png (the page)."""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, token, sha, out = sys.argv[1:5]
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000",
          "--force-device-scale-factor=1", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def boxes(selector):
    return [{"label": r.get_attribute("data-label"), **{k: float(r.get_attribute(a)) for k, a in
                                                         (("x", "x"), ("y", "y"), ("w", "width"), ("h", "height"))}}
            for r in d.find_elements(By.CSS_SELECTOR, selector)]


try:
    d.set_page_load_timeout(60)
    d.get(base + "/login")
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.ID, "login").click()
    end = time.time() + 30
    while time.time() < end and not d.find_elements(By.ID, "nav-fleet"):
        time.sleep(0.2)
    d.get(base + "/models/" + sha)
    d.find_element(By.CSS_SELECTOR, "#worst a").click()
    end = time.time() + 30
    while time.time() < end and not (d.find_elements(By.CSS_SELECTOR, "rect.model")
                                     or d.find_element(By.ID, "evaluated").text):
        time.sleep(0.2)
    time.sleep(0.3)
    d.save_screenshot(os.path.join(out, "evaluated.png"))
    print(json.dumps({"url": d.current_url, "note": d.find_element(By.ID, "evaluated").text,
                      "model": boxes("rect.model"), "reviewed": boxes("rect.box:not(.model)")}))
finally:
    d.quit()
