#!/usr/bin/python3
"""Logs in to fieldcap's web app in headless Chromium and prints the fleet table's rows as JSON
(each row: its class and its cells' text), once the table has EXPECTED rows or 30 s have passed.

  fleet_rows.py BASE_URL TOKEN EXPECTED"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, token, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    d.get(base + "/login")
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.ID, "login").click()
    rows = []
    end = time.time() + 30
    while time.time() < end:
        rows = [{"class": tr.get_attribute("class"), "cells": [td.text for td in tr.find_elements(By.TAG_NAME, "td")]}
                for tr in d.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")]
        if len(rows) >= expected:
            break
        time.sleep(0.25)
    print(json.dumps({"rows": rows, "updated": d.find_element(By.ID, "fleet-updated").text}))
finally:
    d.quit()
