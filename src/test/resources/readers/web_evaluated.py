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

from browser import chromium, login, wait
from selenium.webdriver.common.by import By

base, token, sha, out = sys.argv[1:5]
d = chromium()


def boxes(selector):
    return [{"label": r.get_attribute("data-label"), **{k: float(r.get_attribute(a)) for k, a in
                                                         (("x", "x"), ("y", "y"), ("w", "width"), ("h", "height"))}}
            for r in d.find_elements(By.CSS_SELECTOR, selector)]


try:
    d.set_page_load_timeout(60)
    login(d, base, token)
    d.get(base + "/models/" + sha)
    d.find_element(By.CSS_SELECTOR, "#worst a").click()
    wait(lambda: d.find_elements(By.CSS_SELECTOR, "rect.model") or d.find_element(By.ID, "evaluated").text)
    time.sleep(0.3)
    d.save_screenshot(os.path.join(out, "evaluated.png"))
    print(json.dumps({"url": d.current_url, "note": d.find_element(By.ID, "evaluated").text,
                      "model": boxes("rect.model"), "reviewed": boxes("rect.box:not(.model)")}))
finally:
    d.quit()
