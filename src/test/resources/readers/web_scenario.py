#!/usr/bin/python3
"""Drives fieldcap's web app in headless Chromium (Debian's chromium, chromium-driver, python3-selenium)
as an operator and a reviewer would, and prints what it saw as JSON.

  web_scenario.py BASE_URL VIEWER_TOKEN REVIEWER_TOKEN OUT_DIR

1. logs in as the viewer; waits until the fleet page lists two online devices; writes OUT_DIR/ready and
   waits (without reloading) until one of them shows offline (the test kills its agent);
2. filters the gallery to cam-a and checks, in the screenshot's pixels, that the first card's boxes are
   drawn where its labels say; filters to class car;
3. opens a frame as the viewer (no review buttons), logs in as the reviewer, accepts one frame and
   rejects another;
saving fleet.png, gallery.png and frame.png in OUT_DIR."""
import colorsys
import io
import json
import os
import re
import sys
import time

from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, viewer, reviewer, out = sys.argv[1:5]
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000",
          "--force-device-scale-factor=1"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
result = {}


def wait(cond, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        try:
            v = cond()
            if v:
                return v
        except Exception:
            pass
        time.sleep(0.25)
    return None


def login(token):
    d.get(base + "/login")
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.ID, "login").click()
    wait(lambda: d.find_elements(By.ID, "nav-fleet"))


def rows():
    return [[td.text for td in tr.find_elements(By.TAG_NAME, "td")][:2]
            for tr in d.find_elements(By.CSS_SELECTOR, "#fleet tbody tr")]


try:
    d.set_page_load_timeout(60)
    d.get(base + "/frames")
    result["without_token_lands_on"] = d.current_url.replace(base, "")
    login(viewer)
    result["online_rows"] = wait(lambda: (lambda r: r if sum(1 for x in r if x[1] == "online") >= 2 else None)(rows()), 60)
    d.save_screenshot(os.path.join(out, "fleet.png"))
    open(os.path.join(out, "ready"), "w").close()
    result["after_kill_rows"] = wait(lambda: (lambda r: r if any(x[1] == "offline" for x in r) else None)(rows()), 60)
    result["fleet_url_unchanged"] = d.current_url == base + "/"

    d.get(base + "/frames")
    f = d.find_element(By.NAME, "device")
    f.send_keys("cam-a")
    d.find_element(By.ID, "apply").click()
    wait(lambda: d.find_elements(By.CSS_SELECTOR, ".card") and all(
        c.get_attribute("data-device") == "cam-a" for c in d.find_elements(By.CSS_SELECTOR, ".card")))
    cards = d.find_elements(By.CSS_SELECTOR, ".card")
    result["cam_a_cards"] = len(cards)
    first = cards[0]
    wait(lambda: d.execute_script("return arguments[0].querySelector('img').complete && "
                                  "arguments[0].querySelector('img').naturalWidth > 0", first))
    time.sleep(0.3)
    d.save_screenshot(os.path.join(out, "gallery.png"))
    boxes = d.execute_script("""
        const card = arguments[0], img = card.querySelector('img'), r = img.getBoundingClientRect();
        const c = card.getBoundingClientRect();  // the element screenshot starts at the card's border box
        const svg = card.querySelector('svg');
        const vb = svg.viewBox.baseVal;
        return [...card.querySelectorAll('rect.box')].map(b => ({label: b.dataset.label, stroke: b.getAttribute('stroke'),
          x: r.left - c.left + +b.getAttribute('x') * r.width / vb.width, y: r.top - c.top + +b.getAttribute('y') * r.height / vb.height,
          w: +b.getAttribute('width') * r.width / vb.width, h: +b.getAttribute('height') * r.height / vb.height}));""", first)
    shot = Image.open(io.BytesIO(first.screenshot_as_png)).convert("RGB")
    checks = []
    for b in boxes:
        h, s, l = [float(v) for v in re.findall(r"[\d.]+", b["stroke"])]
        want = [round(c * 255) for c in colorsys.hls_to_rgb(h / 360, l / 100, s / 100)]
        near = lambda px: sum(abs(px[i] - want[i]) for i in range(3)) < 90
        edge = inside = total = 0
        for k in range(8, int(b["h"]) - 8, 3):
            y = int(b["y"] + k)
            total += 1
            if any(near(shot.getpixel((int(round(b["x"])) + dx, y))) for dx in (-1, 0, 1)):
                edge += 1
            if near(shot.getpixel((int(b["x"] + b["w"] / 2), y))):
                inside += 1
        checks.append({"label": b["label"], "x": b["x"], "y": b["y"], "edge": edge, "inside": inside, "total": total})
    result["box_pixels"] = checks

    d.find_element(By.NAME, "class").send_keys("car")
    d.find_element(By.ID, "apply").click()
    time.sleep(1.5)
    result["cam_a_car_cards"] = len(d.find_elements(By.CSS_SELECTOR, ".card"))

    first = d.find_elements(By.CSS_SELECTOR, ".card")[0]
    target = first.get_attribute("data-device") + "/" + first.get_attribute("data-frame")
    first.click()
    wait(lambda: d.find_elements(By.CSS_SELECTOR, "#frame svg rect.box"))
    result["viewer_review_hidden"] = not d.find_element(By.ID, "review").is_displayed()
    d.save_screenshot(os.path.join(out, "frame.png"))

    d.find_element(By.ID, "logout").click()
    wait(lambda: "/login" in d.current_url)
    login(reviewer)
    d.get(base + "/frames/" + target)
    wait(lambda: d.find_elements(By.CSS_SELECTOR, "#frame svg rect.box"))
    d.find_element(By.ID, "accept").click()
    result["accept"] = wait(lambda: d.find_element(By.ID, "review-result").text)
    result["accepted"] = target
    d.get(base + "/frames?x=1")
    d.find_element(By.NAME, "device").send_keys("cam-b")
    d.find_element(By.ID, "apply").click()
    wait(lambda: d.find_elements(By.CSS_SELECTOR, ".card") and all(
        c.get_attribute("data-device") == "cam-b" for c in d.find_elements(By.CSS_SELECTOR, ".card")))
    other = d.find_elements(By.CSS_SELECTOR, ".card")[0]
    rejected = other.get_attribute("data-device") + "/" + other.get_attribute("data-frame")
    other.click()
    wait(lambda: d.find_elements(By.ID, "reject"))
    d.find_element(By.ID, "reject").click()
    result["reject"] = wait(lambda: d.find_element(By.ID, "review-result").text)
    result["rejected"] = rejected
finally:
    print(json.dumps(result))
    d.quit()
