#!/usr/bin/python3
"""The label editor's speed in headless Chromium, run by `fieldcap bench web --browser scripts/bench-editor.py`
(which makes the frames and serves the app; Debian's chromium, chromium-driver and python3-selenium).

1. A 1920x1080 frame with 300 reviewed boxes, opened 5 times: milliseconds from the page's start to
   the labels drawn (the editor's `data-ready-ms`) and to the image loaded.
2. One of its boxes dragged by 200 pointer moves: milliseconds per move, the editor's handler plus the
   style and layout it causes (performance.now() around each event, layout forced), p50, p95 and max.
3. A reviewer working through the review queue (least certain first) as a person would, with mouse and
   keys: per frame, Accept all (the 0.9 crate, not the 0.2 drum), nudge the crate 6 px left
   (Shift+Left, Right x4), draw the missed person (B, a drag, its digit), Save and next. Seconds and
   actions per frame over 50 frames.

  bench-editor.py BASE_URL REVIEWER_TOKEN DEVICE BIG_FRAME TRUTH.json

Prints one JSON object."""
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "readers"))
from browser import chromium, combo, drag, key, login, wait  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

base, token, device, big, truth_file = sys.argv[1:6]
truth = {t["frameId"]: t for t in json.load(open(truth_file))}
result = {}


def ready(d):
    wait(lambda: d.find_element(By.ID, "frame").get_attribute("data-ready") == "true", 60)


def screen(d, x, y):
    """The viewport point of image point (x, y), through the editor's own view matrix."""
    return d.execute_script("""
const svg = document.getElementById('canvas'), view = document.getElementById('view');
const p = svg.createSVGPoint(); p.x = arguments[0]; p.y = arguments[1];
const q = p.matrixTransform(view.getScreenCTM()); return [q.x, q.y];""", x, y)


d = chromium()
try:
    d.set_page_load_timeout(60)
    login(d, base, token)
    opened, images = [], []
    for _ in range(5):
        d.get(base + "/frames/" + device + "/" + big)
        ready(d)
        wait(lambda: d.find_element(By.ID, "frame").get_attribute("data-image-ms"), 60)
        opened.append(float(d.find_element(By.ID, "frame").get_attribute("data-ready-ms")))
        images.append(float(d.find_element(By.ID, "frame").get_attribute("data-image-ms")))
    result["boxes"] = len(d.find_elements(By.CSS_SELECTOR, "rect.label"))
    result["openMs"] = {"median": round(statistics.median(opened), 1), "max": round(max(opened), 1)}
    result["imageLoadedMs"] = {"median": round(statistics.median(images), 1), "max": round(max(images), 1)}
    moves = d.execute_script("""
const r = document.querySelector('rect.label[data-i="7"]'), svg = document.getElementById('canvas');
const b = r.getBoundingClientRect(), x0 = b.left + b.width / 2, y0 = b.top + b.height / 2;
const opts = (x, y) => ({clientX: x, clientY: y, bubbles: true, pointerId: 1, button: 0, isPrimary: true});
r.dispatchEvent(new PointerEvent('pointerdown', opts(x0, y0)));
const out = [];
for (let i = 1; i <= 200; i++) {
  const t0 = performance.now();
  svg.dispatchEvent(new PointerEvent('pointermove', opts(x0 + i, y0 + i / 2)));
  document.body.getBoundingClientRect(); // the style and layout the move causes
  out.push(performance.now() - t0);
}
svg.dispatchEvent(new PointerEvent('pointerup', opts(x0 + 200, y0 + 100)));
return out;""")
    moves.sort()
    result["dragMoveMs"] = {"p50": round(moves[len(moves) // 2], 2), "p95": round(moves[int(len(moves) * 0.95)], 2),
                            "max": round(moves[-1], 2), "moves": len(moves)}
    d.execute_script("localStorage.clear()")  # the dragged box is not kept

    # the review queue, as a person works it
    d.get(base + "/review")
    d.find_element(By.ID, "start").click()
    actions = 0
    t0 = time.time()
    for n in range(len(truth)):
        ready(d)
        frame = d.find_element(By.TAG_NAME, "body").get_attribute("data-frame")
        t = truth[frame]
        key(d, "A")  # Accept all at the slider's 0.5
        actions += 1
        combo(d, [Keys.SHIFT], Keys.ARROW_LEFT)
        key(d, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        actions += 5
        key(d, "b")
        x, y, w, h = t["person"]
        a = screen(d, x, y)
        b = screen(d, x + w, y + h)
        drag(d, a, b[0] - round(a[0]), b[1] - round(a[1]))
        names = [o.get_attribute("value") for o in d.find_elements(By.CSS_SELECTOR, "#class-list option")]
        key(d, str(names.index("person") + 1))
        key(d, "v")
        actions += 4
        d.find_element(By.ID, "save-next").click()
        actions += 1
        if n < len(truth) - 1:
            wait(lambda: d.find_element(By.TAG_NAME, "body").get_attribute("data-frame") != frame, 60)
        else:
            wait(lambda: "nothing left" in d.find_element(By.ID, "queue-stats").text
                 or d.find_element(By.TAG_NAME, "body").get_attribute("data-frame") != frame, 60)
    elapsed = time.time() - t0
    result["reviewedFrames"] = len(truth)
    result["reviewSeconds"] = round(elapsed, 1)
    result["secondsPerFrame"] = round(elapsed / len(truth), 2)
    result["actionsPerFrame"] = actions / len(truth)
finally:
    print(json.dumps(result))
    d.quit()
