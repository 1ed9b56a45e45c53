#!/usr/bin/python3
"""Opens one frame of fieldcap's web app in headless Chromium and reports what its semantic mask
overlays hold: for each drawn mask (an SVG image made by app.js from the frame's COCO RLE), its
size, its fill colour and its alpha at the given probe points, read back from the browser's own
decoding of the overlay image.

  web_masks.py BASE_URL TOKEN DEVICE FRAME OUT_DIR X,Y [X,Y ...]

Prints one JSON object: {"masks": [{"width", "height", "rgb", "alpha": [..]}], "labels": [...]}; saves
OUT_DIR/masks.png (the page)."""
import json
import os
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, token, device, frame, out = sys.argv[1:6]
points = [[int(v) for v in p.split(",")] for p in sys.argv[6:]]
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000",
          "--force-device-scale-factor=1", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--no-first-run"):
    opts.add_argument(a)
opts.binary_location = "/usr/bin/chromium"
d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    d.set_page_load_timeout(60)
    d.get(base + "/login")
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.ID, "login").click()
    end = time.time() + 30
    while time.time() < end and not d.find_elements(By.ID, "nav-fleet"):
        time.sleep(0.2)
    d.get(base + "/frames/" + device + "/" + frame)
    end = time.time() + 30
    while time.time() < end and not d.find_elements(By.CSS_SELECTOR, "image.mask"):
        time.sleep(0.2)
    time.sleep(0.5)
    d.save_screenshot(os.path.join(out, "masks.png"))
    d.set_script_timeout(30)
    masks = d.execute_async_script("""
const points = arguments[0], done = arguments[arguments.length - 1];
const ims = [...document.querySelectorAll("image.mask")];
Promise.all(ims.map(im => new Promise(ok => {
  const i = new Image();
  i.onload = () => {
    const c = document.createElement("canvas");
    c.width = i.width; c.height = i.height;
    const g = c.getContext("2d");
    g.drawImage(i, 0, 0);
    const px = g.getImageData(0, 0, i.width, i.height).data;
    let rgb = null;
    const alpha = points.map(([x, y]) => {
      const k = (y * i.width + x) * 4;
      if (px[k + 3] > 0 && rgb === null) rgb = [px[k], px[k + 1], px[k + 2]];
      return px[k + 3];
    });
    ok({width: i.width, height: i.height, rgb: rgb, alpha: alpha});
  };
  i.onerror = () => ok({error: "the overlay image does not load"});
  i.src = im.getAttribute("href");
}))).then(done);
""", points)
    labels = [t.text for t in d.find_elements(By.CSS_SELECTOR, "svg text")]
    print(json.dumps({"masks": masks, "labels": labels}))
finally:
    d.quit()
