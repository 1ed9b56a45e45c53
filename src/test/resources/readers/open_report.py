#!/usr/bin/python3
"""Opens a fieldcap HTML report in headless Chromium (Debian's chromium and chromium-driver, through
python3-selenium), as a person would, and prints what the page shows as JSON: the title, the
section headings, the summary, each picture with whether the browser could draw it (its natural size),
each figure caption, each table's row count, and the requests the page made."""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

opts = webdriver.ChromeOptions()
opts.add_argument("--headless=new")
opts.add_argument("--no-sandbox")
opts.add_argument("--disable-gpu")
opts.add_argument("--disable-dev-shm-usage")
opts.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
try:
    driver.set_page_load_timeout(60)
    driver.get("file://" + sys.argv[1] + "/index.html")
    page = driver.execute_script("""
        const imgs = [...document.images].map(i => ({src: i.getAttribute('src'), complete: i.complete,
                                                     width: i.naturalWidth, height: i.naturalHeight}));
        return {
          title: document.title,
          h1: document.querySelector('h1').textContent,
          summary: document.getElementById('summary').textContent,
          sections: [...document.querySelectorAll('h2')].map(h => h.id),
          h3: [...document.querySelectorAll('h3')].map(h => h.textContent),
          images: imgs,
          captions: [...document.querySelectorAll('figcaption')].map(c => c.textContent),
          tables: [...document.querySelectorAll('table')].map(t => t.rows.length),
          requests: performance.getEntriesByType('resource').map(r => r.name),
        };""")
    print(json.dumps(page))
finally:
    driver.quit()
