#!/usr/bin/python3
"""Drives fieldcap's label editor in headless Chromium with the mouse and the keyboard, as a reviewer
would, and reports what the server stored after each save (read back through the API with the
reviewer's token), for EditorIT to check against the expected image-pixel coordinates.

  web_editor.py BASE_URL REVIEWER_TOKEN OTHER_REVIEWER_TOKEN VIEWER_TOKEN DEVICE FRAME OUT_DIR

The frame is 320x240 with pre-labels: box 0 at (130, 90, 60, 60) in the middle, box 1 at (20, 20, 40, 30)
scored 0.3. Prints one JSON object of observations; saves OUT_DIR/editor-*.png."""
import json
import os
import sys
import urllib.request

from browser import centre, chromium, combo, drag, key, login, wait

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

base, ann, bob, vera, device, frame, out = sys.argv[1:8]
page = base + "/frames/" + device + "/" + frame
api = base + "/api/frames/" + device + "/" + frame
result = {}


def call(url, token, method="GET", body=None):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def stored():
    return call(api, ann)[1]


def open_editor(d):
    d.get(page)
    wait(lambda: d.find_element(By.ID, "frame").get_attribute("data-ready") == "true")


def label_rect(d, i):
    return d.find_element(By.CSS_SELECTOR, 'rect.label[data-i="%d"]' % i)


def save(d):
    d.find_element(By.ID, "save").click()
    return wait(lambda: (lambda t: t if t.startswith("saved") or t.startswith("not saved") else None)(
        d.find_element(By.ID, "save-result").text))


d = chromium(answer_prompts_myself=True)
try:
    d.set_page_load_timeout(60)
    login(d, base, ann)
    open_editor(d)
    result["suggestions"] = len(d.find_elements(By.CSS_SELECTOR, "rect.suggestion"))
    # accept all suggestions scoring 0.5 or more: only box 0
    d.execute_script("const s = document.getElementById('min-score'); s.value = '0.5'; s.dispatchEvent(new Event('input'));")
    d.find_element(By.ID, "accept-all").click()
    result["accepted_at_0_5"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    result["left_as_suggestions"] = len(d.find_elements(By.CSS_SELECTOR, "rect.suggestion"))

    # zoom 1: drag box 0's bottom-right corner by (30, 20) screen pixels
    d.find_element(By.ID, "zoom-100").click()
    result["zoom_1"] = d.find_element(By.ID, "zoom").text
    label_rect(d, 0).click()
    drag(d, centre(d, d.find_element(By.CSS_SELECTOR, "rect.handle-se")), 30, 20)
    result["save_1"] = save(d)
    result["after_zoom_1"] = stored()["reviewed"]

    # zoom 4: drag the same corner by (40, -20) screen pixels: 10 and -5 image pixels
    key(d, "+")
    key(d, "+")
    result["zoom_4"] = d.find_element(By.ID, "zoom").text
    drag(d, centre(d, d.find_element(By.CSS_SELECTOR, "rect.handle-se")), 40, -20)
    # and move the whole box by keys: 3 right, 10 down (Shift)
    key(d, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    combo(d, [Keys.SHIFT], Keys.ARROW_DOWN)
    result["save_4"] = save(d)
    result["after_zoom_4"] = stored()["reviewed"]

    # draw a box at zoom 1 by dragging with the box tool, then give it class 2 by its digit key
    d.find_element(By.ID, "zoom-100").click()
    img = d.find_element(By.CSS_SELECTOR, "#view image")
    r = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.top];", img)
    key(d, "b")
    drag(d, (r[0] + 250.5, r[1] + 150.5), 40, 50)
    key(d, "2")
    # the first box: class 1 by its digit key after Tab selects it
    key(d, Keys.ESCAPE)
    key(d, Keys.TAB)
    key(d, "1")
    result["save_draw"] = save(d)
    result["after_draw"] = stored()["reviewed"]

    # delete the drawn box, undo, redo, undo: it is back
    label_rect(d, 1).click()
    key(d, Keys.DELETE)
    result["after_delete"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    combo(d, [Keys.CONTROL], "z")
    result["after_undo"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    combo(d, [Keys.CONTROL, Keys.SHIFT], "z")
    result["after_redo"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    combo(d, [Keys.CONTROL], "z")
    result["after_undo_again"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    result["undo_dirty"] = d.find_element(By.ID, "save-result").text

    # an unsaved change: leaving asks (the page cancels beforeunload), and the draft survives the page
    # being opened again (a new tab of the same browser, as after a crash or a closed window)
    label_rect(d, 0).click()
    key(d, Keys.ARROW_LEFT)
    result["leaving_asked"] = d.execute_script(
        "const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;")
    d.switch_to.new_window("tab")
    open_editor(d)
    result["restored"] = d.find_element(By.ID, "save-result").text
    result["restored_x"] = float(label_rect(d, 0).get_attribute("x"))

    # another reviewer saves meanwhile (through the API, as a script would): this save is refused, the draft kept
    loaded = stored()["revision"]
    status, other = call(api + "/labels", bob, "PUT", {"baseRevision": loaded, "labels": [
        {"label": "car", "score": 1, "box": {"x": 5, "y": 5, "w": 20, "h": 20}}]})
    result["bob_status"] = status
    result["conflict_save"] = save(d)
    result["conflict_shown"] = d.find_element(By.ID, "conflict").is_displayed()
    result["theirs_drawn"] = len(d.find_elements(By.CSS_SELECTOR, "rect.theirs"))
    result["draft_kept"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    d.find_element(By.ID, "keep-mine").click()
    wait(lambda: d.find_element(By.ID, "save-result").text.startswith("saved"))
    result["after_conflict"] = stored()
    d.save_screenshot(os.path.join(out, "editor-reviewer.png"))
    d.find_element(By.ID, "logout").click()

    # a viewer sees the frame and no editor; the API refuses its writes
    login(d, base, vera)
    d.get(page)
    wait(lambda: d.find_elements(By.CSS_SELECTOR, "#frame svg rect.box"))
    result["viewer_editor"] = len(d.find_elements(By.ID, "editor-bar"))
    result["viewer_review_hidden"] = not d.find_element(By.ID, "review").is_displayed()
    result["viewer_put"] = call(api + "/labels", vera, "PUT", {"baseRevision": 0, "labels": []})[0]
    d.save_screenshot(os.path.join(out, "editor-viewer.png"))
finally:
    print(json.dumps(result))
    d.quit()
