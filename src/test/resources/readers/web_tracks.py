"""Tracked boxes in the web app: usage web_tracks.py BASE VIEWER_TOKEN REVIEWER_TOKEN DEVICE FRAME.
As the viewer, reads the frame page's boxes (their track, stroke and caption); as the reviewer, reads the
editor's suggestions, accepts them all and saves. Prints one JSON object."""
import json
import sys

from browser import chromium, login, wait
from selenium.webdriver.common.by import By

base, viewer, reviewer, device, frame = sys.argv[1:6]
page = base + "/frames/" + device + "/" + frame
READ = """return [...document.querySelectorAll(arguments[0])].map(r => ({track: r.dataset.track || null,
  label: r.dataset.label, stroke: r.getAttribute('stroke')}));"""
CAPTIONS = "return [...document.querySelectorAll('#frame svg text')].map(t => t.textContent);"
result = {}
d = chromium(answer_prompts_myself=True)
try:
    d.set_page_load_timeout(60)
    login(d, base, viewer)
    d.get(page)
    wait(lambda: d.find_elements(By.CSS_SELECTOR, "#frame svg rect.box"))
    result["viewer"] = d.execute_script(READ, "#frame svg rect.box")
    result["viewer_captions"] = d.execute_script(CAPTIONS)
    d.delete_all_cookies()
    login(d, base, reviewer)
    d.get(page)
    wait(lambda: d.find_element(By.ID, "frame").get_attribute("data-ready") == "true")
    result["editor"] = d.execute_script(READ, "rect.suggestion")
    d.execute_script("const s = document.getElementById('min-score'); s.value = '0'; s.dispatchEvent(new Event('input'));")
    d.find_element(By.ID, "accept-all").click()
    d.find_element(By.ID, "save").click()
    result["save"] = wait(lambda: (lambda t: t if t.startswith("saved") or t.startswith("not saved") else None)(
        d.find_element(By.ID, "save-result").text))
finally:
    d.quit()
print(json.dumps(result))
