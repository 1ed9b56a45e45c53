"""What the browser tests share: headless Debian Chromium through chromedriver, logging in to
fieldcap's web app with a token, and waiting for a condition."""
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def chromium(answer_prompts_myself=False):
    """Headless Chromium, 1200x1000 at one device pixel per CSS pixel (screen distances are exact)."""
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000",
              "--force-device-scale-factor=1", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run"):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    if answer_prompts_myself:
        opts.set_capability("unhandledPromptBehavior", "ignore")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def wait(cond, seconds=30):
    """cond's first truthy value within seconds (exceptions count as not yet); exits the script if none."""
    end = time.time() + seconds
    while time.time() < end:
        try:
            v = cond()
            if v:
                return v
        except Exception:
            pass
        time.sleep(0.1)
    raise SystemExit("timed out waiting: " + getattr(cond, "__name__", "a condition"))


def login(d, base, token):
    d.get(base + "/login")
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.ID, "login").click()
    wait(lambda: d.find_elements(By.ID, "nav-fleet"))
