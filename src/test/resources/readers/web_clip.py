"""An event clip in the web app: usage web_clip.py BASE VIEWER_TOKEN DEVICE CLIP TRIGGER FPS.
Opens the clip list, follows the clip's link, waits until Chromium can play the video, reads its duration
and size, seeks into the trigger frame and reads the boxes drawn over it. Prints one JSON object."""
import json
import sys

from browser import chromium, login, wait
from selenium.webdriver.common.by import By

base, viewer, device, clip, trigger, fps = sys.argv[1:7]
trigger, fps = int(trigger), float(fps)
result = {}
d = chromium()
try:
    d.set_page_load_timeout(60)
    login(d, base, viewer)
    d.get(base + "/clips")
    link = wait(lambda: d.find_element(By.CSS_SELECTOR, '#clips a[href="/clips/%s/%s"]' % (device, clip)))
    link.click()
    wait(lambda: d.execute_script("return document.getElementById('clip-video').readyState >= 2"), 60)
    v = d.execute_script("const v = document.getElementById('clip-video'); "
                         "return {duration: v.duration, width: v.videoWidth, height: v.videoHeight, error: v.error && v.error.code};")
    result["video"] = v
    d.execute_script("document.getElementById('clip-video').currentTime = arguments[0];", (trigger + 0.5) / fps)
    wait(lambda: d.find_element(By.ID, "clip-boxes").get_attribute("data-frame") == str(trigger), 30)
    result["shown_frame"] = int(d.find_element(By.ID, "clip-boxes").get_attribute("data-frame"))
    result["boxes"] = d.execute_script("return [...document.querySelectorAll('#clip-boxes rect.box')].map(r => "
                                       "({track: r.dataset.track || null, x: +r.getAttribute('x'), y: +r.getAttribute('y')}));")
    result["caption"] = d.find_element(By.ID, "clip-frame").text
    # playing from the start moves the boxes along with the video
    d.execute_script("const v = document.getElementById('clip-video'); v.currentTime = 0; v.play();")
    wait(lambda: int(d.find_element(By.ID, "clip-boxes").get_attribute("data-frame")) >= trigger + 3, 60)
    result["played_to"] = int(d.find_element(By.ID, "clip-boxes").get_attribute("data-frame"))
finally:
    d.quit()
print(json.dumps(result))
