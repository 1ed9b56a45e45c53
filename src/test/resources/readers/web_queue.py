#!/usr/bin/python3
"""The review queue in headless Chromium: /review, Start (least certain first), Skip, Save and next, the
counters. Reports the frames the editor showed, in order, and the counters' text at the end.

  web_queue.py BASE_URL REVIEWER_TOKEN"""
import json
import sys

from browser import chromium, login, wait
from selenium.webdriver.common.by import By

base, token = sys.argv[1:3]
result = {"shown": []}


def shown():
    wait(lambda: d.find_element(By.ID, "frame").get_attribute("data-ready") == "true")
    f = d.find_element(By.TAG_NAME, "body").get_attribute("data-frame")
    result["shown"].append(f)
    return f


d = chromium()
try:
    d.set_page_load_timeout(60)
    login(d, base, token)
    d.get(base + "/review")
    d.find_element(By.ID, "start").click()
    first = shown()
    d.find_element(By.ID, "skip").click()
    wait(lambda: d.find_element(By.TAG_NAME, "body").get_attribute("data-frame") != first)
    second = shown()
    d.find_element(By.ID, "accept-all").click()
    d.find_element(By.ID, "save-next").click()
    wait(lambda: d.find_element(By.TAG_NAME, "body").get_attribute("data-frame") != second)
    shown()
    result["stats"] = wait(lambda: (lambda t: t if t.startswith("reviewed today") else None)(
        d.find_element(By.ID, "queue-stats").text))
finally:
    print(json.dumps(result))
    d.quit()
