"""What the browser tests share: headless Debian Chromium through chromedriver, logging in to
fieldcap's web app with a token, waiting for a condition, and the mouse and keyboard as a user uses them."""
import time

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
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


def centre(d, el):
    r = d.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];", el)
    return r


def drag(d, start, dx, dy, steps=6):
    """Presses at viewport point start, moves by (dx, dy) screen pixels in steps as a hand does, releases."""
    x, y = round(start[0]), round(start[1])
    ab = ActionBuilder(d)
    ab.pointer_action.move_to_location(x, y)
    ab.pointer_action.pointer_down()
    for k in range(1, steps + 1):
        ab.pointer_action.move_to_location(x + round(dx * k / steps), y + round(dy * k / steps))
    ab.pointer_action.pointer_up()
    ab.perform()


def key(d, *keys):
    ActionChains(d).send_keys(*keys).perform()


def combo(d, mods, k):
    """k pressed while the modifier keys mods are held down."""
    a = ActionChains(d)
    for m in mods:
        a.key_down(m)
    a.send_keys(k)
    for m in reversed(mods):
        a.key_up(m)
    a.perform()


def click_at(d, x, y, alt=False):
    """A click at viewport point (x, y), with Alt held when alt."""
    ab = ActionBuilder(d)
    if alt:
        ab.key_action.key_down("\ue00a")
    ab.pointer_action.move_to_location(round(x), round(y))
    ab.pointer_action.click()
    if alt:
        ab.key_action.key_up("\ue00a")
    ab.perform()
