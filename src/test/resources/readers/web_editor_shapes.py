#!/usr/bin/python3
"""Drives the editor's mask and polygon tools in headless Chromium with the mouse and the keyboard:
a brush stroke and an eraser stroke of known size, a polygon filled into a mask layer, a polygon drawn,
one of its vertices dragged, a vertex added on an edge and one deleted. Reports the frame's reviewed
labels as stored after each save (read through the API), for EditorIT to measure.

  web_editor_shapes.py BASE_URL REVIEWER_TOKEN DEVICE FRAME OUT_DIR

The frame is 320x240 with one semantic mask, road, on rows 120 to 239; the editor is at 100 %."""
import json
import os
import sys
import urllib.request

from browser import chromium, click_at, drag, key, login, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

base, token, device, frame, out = sys.argv[1:6]
api = base + "/api/frames/" + device + "/" + frame
result = {}


def stored():
    req = urllib.request.Request(api, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())["reviewed"]


def save(step):
    d.find_element(By.ID, "save").click()
    result[step + "_saved"] = wait(lambda: (lambda t: t if t.startswith("saved") or t.startswith("not saved") else None)(
        d.find_element(By.ID, "save-result").text))
    result[step] = stored()


def set_value(element_id, value):
    d.execute_script("const e = document.getElementById(arguments[0]); e.value = arguments[1];"
                     " e.dispatchEvent(new Event('input'));", element_id, value)


d = chromium()
try:
    d.set_page_load_timeout(60)
    login(d, base, token)
    d.get(base + "/frames/" + device + "/" + frame)
    wait(lambda: d.find_element(By.ID, "frame").get_attribute("data-ready") == "true")
    d.find_element(By.ID, "zoom-100").click()
    ox, oy = d.execute_script("const r = document.querySelector('#view image').getBoundingClientRect(); return [r.left, r.top];")

    # a brush stroke 100 px long, 20 px wide, into a new water layer: 100 x 20 + the round ends (pi 10^2)
    key(d, "m")
    set_value("brush-size", "20")
    set_value("mask-class", "water")
    drag(d, (ox + 60, oy + 60), 100, 0, steps=10)
    save("brush")
    # the same stroke with the eraser across the road
    key(d, "e")
    set_value("mask-class", "road")
    drag(d, (ox + 60, oy + 180), 100, 0, steps=10)
    save("eraser")
    # a triangle filled into the water layer: 100 x 80 / 2
    key(d, "f")
    set_value("mask-class", "water")
    for x, y in ((200, 10), (300, 10), (300, 90), (200, 10)):
        click_at(d, ox + x, oy + y)
    save("fill")

    # a polygon label: four points and Enter
    key(d, "p")
    set_value("class-input", "crate")
    for x, y in ((20, 20), (80, 20), (80, 60), (20, 60)):
        click_at(d, ox + x, oy + y)
    key(d, Keys.ENTER)
    save("polygon")
    # select it, drag its first vertex by (10, 5)
    key(d, "v")
    click_at(d, ox + 50, oy + 40)
    vertex = d.find_element(By.CSS_SELECTOR, 'circle.vertex[data-vertex="0"]')
    vx, vy = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
                              vertex)
    drag(d, (vx, vy), 10, 5)
    save("vertex")
    # a new vertex on the first edge, pulled up by 10; then Alt+click deletes it again
    edge = d.find_element(By.CSS_SELECTOR, 'rect.edge[data-edge="0"]')
    ex, ey = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
                              edge)
    drag(d, (ex, ey), 0, -10)
    save("added")
    added = d.find_element(By.CSS_SELECTOR, 'circle.vertex[data-vertex="1"]')
    ax, ay = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
                              added)
    click_at(d, ax, ay, alt=True)
    save("deleted")
    d.save_screenshot(os.path.join(out, "editor-shapes.png"))
finally:
    print(json.dumps(result))
    d.quit()
