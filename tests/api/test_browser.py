#!/usr/bin/python3
"""The web page (tools/dom0/www) in headless Chromium: token from the URL,
domain table, create with an uploaded kernel, console output and input,
graphs, destroy with confirmation, a refused token.

Needs Debian's chromium, chromium-driver and python3-selenium (tools/dev.sh
installs them); run it with the Debian interpreter that has selenium:
    /usr/bin/python3 tests/api/test_browser.py
Server: as test_cli.py (harness.py). Screenshots go to $XENITH_TEST_LOGDIR
(default /tmp)."""
import os
import shutil
import tempfile
import time
import unittest

import harness

try:
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError as e:  # pragma: no cover - a missing package is an environment problem
    raise SystemExit("test_browser.py needs python3-selenium (run it with /usr/bin/python3): %s" % e)

LOGDIR = os.environ.get("XENITH_TEST_LOGDIR", "/tmp")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
T = None


def setUpModule():
    global T
    T = harness.Target()


def tearDownModule():
    T.close()


class Page(unittest.TestCase):
    def setUp(self):
        self.profile = tempfile.mkdtemp(prefix="xenith-chromium-")
        opts = webdriver.ChromeOptions()
        # --no-sandbox: Chromium refuses to run as root with its sandbox. The
        # rest keep it from calling anywhere but the server on 127.0.0.1.
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,1800", "--user-data-dir=" + self.profile, "--no-first-run",
                    "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-default-apps", "--disable-domain-reliability",
                    "--disable-client-side-phishing-detection", "--disable-features=Translate,OptimizationHints"):
            opts.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
        self.driver.set_page_load_timeout(60)
        self.created = []

    def tearDown(self):
        self.shot(self.id().rsplit(".", 1)[-1])
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)
        for name in self.created:
            T.run("destroy", name)

    def shot(self, name):
        os.makedirs(LOGDIR, exist_ok=True)
        path = os.path.join(LOGDIR, "xenith-page-%s.png" % name)
        if not self.driver.save_screenshot(path):
            raise AssertionError("could not save the screenshot %s" % path)
        return path

    def wait(self, condition, timeout=60, what="the page"):
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=[StaleElementReferenceException]).until(condition)
        except TimeoutException:
            self.shot(self.id().rsplit(".", 1)[-1] + "-timeout")
            raise AssertionError("timed out waiting for %s; error banner: %r" % (what, self.error_text()))

    def error_text(self):
        try:
            return self.driver.find_element(By.ID, "error").text
        except Exception:
            return None

    def css(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def open(self, token):
        self.driver.get(T.url() + "#token=" + token)

    def open_with_token(self):
        self.open(T.token)
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, '#domain-rows tr[data-domid="0"]')),
                  what="Domain-0 in the table")

    def row(self, name):
        return '#domain-rows tr[data-domain="%s"]' % name

    def create_domain(self, upload=True):
        name = T.new_name()
        with open(T.write_config(name, kernel="/boot/echo.elf")) as f:
            cfg = f.read()
        box = self.css("#create-config")
        box.clear()
        box.send_keys(cfg)
        if upload:
            self.css("#create-kernel").send_keys(T.kernel)
        self.css("#create-submit").click()
        self.created.append(name)
        self.wait(lambda d: d.find_element(By.ID, "create-status").get_attribute("data-state") in ("done", "failed"),
                  what="the create operation")
        status = self.css("#create-status")
        self.assertEqual(status.get_attribute("data-state"), "done", status.text)
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, self.row(name))), what="the new domain's row")
        return name

    def click_action(self, name, action):
        self.wait(EC.element_to_be_clickable((By.CSS_SELECTOR, '%s button[data-action="%s"]' % (self.row(name), action))),
                  what="%s's %s button" % (name, action)).click()


class TablePage(Page):
    def test_token_from_the_fragment_is_kept_and_removed_from_the_address(self):
        self.open_with_token()
        self.assertNotIn("token", self.driver.current_url)
        self.assertEqual(self.driver.execute_script("return sessionStorage.getItem('xenith-token')"), T.token)
        self.assertTrue(self.css("#token-form").get_attribute("hidden"))
        self.assertEqual(self.css("#host-summary").get_attribute("data-state"), "ok")
        dom0 = self.css('#domain-rows tr[data-domid="0"]')
        self.assertEqual(dom0.get_attribute("data-domain"), "Domain-0")
        self.assertEqual(dom0.find_element(By.CSS_SELECTOR, 'td[data-col="id"]').text, "0")

    def test_table_follows_the_server_every_two_seconds(self):
        self.open_with_token()
        # A domain made behind the page's back appears by itself.
        name = T.new_name()
        self.assertEqual(T.run("create", T.write_config(name)).returncode, 0)
        self.created.append(name)
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, self.row(name))), 15, "the refreshed table")
        self.assertEqual(T.run("destroy", name).returncode, 0)
        self.wait(EC.invisibility_of_element_located((By.CSS_SELECTOR, self.row(name))), 15, "the row to go")

    def test_a_wrong_token_asks_for_one_and_a_right_one_connects(self):
        self.open("0000000000000000")
        self.wait(EC.visibility_of_element_located((By.ID, "token-form")), what="the token form")
        self.wait(lambda d: "refused" in (self.error_text() or ""), 15, "the refusal message")
        self.assertIsNone(self.driver.execute_script("return sessionStorage.getItem('xenith-token')"))
        self.css("#token-input").send_keys(T.token + Keys.ENTER)
        self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, '#domain-rows tr[data-domid="0"]')),
                  what="the table after typing the token")

    def test_a_name_with_markup_is_shown_as_text(self):
        name = T.new_name() + "<b>x&amp;"
        if T.run("create", T.write_config(name)).returncode != 0:
            self.skipTest("the server refuses such names")
        self.created.append(name)
        self.open_with_token()
        row = self.wait(EC.presence_of_element_located((By.CSS_SELECTOR, self.row(name))), what="the row")
        self.assertEqual(row.find_element(By.CSS_SELECTOR, 'td[data-col="name"]').text, name)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#domain-rows b"), [])

    def test_without_a_token_the_page_asks_and_shows_no_data(self):
        self.driver.get(T.url())
        self.wait(EC.visibility_of_element_located((By.ID, "token-form")), what="the token form")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#domain-rows tr"), [])


class DomainPage(Page):
    def test_create_upload_console_graphs_destroy(self):
        self.open_with_token()
        name = self.create_domain()
        self.assertEqual(self.css("#create-upload").get_attribute("value"), "1")
        self.assertEqual(self.css("#create-progress").get_attribute("value"), "1")
        row = self.css(self.row(name))
        self.assertIn(row.find_element(By.CSS_SELECTOR, 'td[data-col="memory"]').text, ("15", "16"))

        self.click_action(name, "console")
        panel = '.console[data-console="%s"]' % name
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, panel + " .console-output").text.strip(),
                  what="console output")
        if T.echoes:
            self.css(panel + " .console-input").send_keys("ping-page" + Keys.ENTER)
            self.wait(lambda d: "echo: ping-page" in d.find_element(By.CSS_SELECTOR, panel + " .console-output").text,
                      what="the echoed line")

        self.click_action(name, "graphs")
        self.wait(lambda d: int(d.find_element(By.ID, "graphs").get_attribute("data-samples") or 0) >= 2, 30,
                  "two samples in the graphs")
        inked = self.driver.execute_script(
            "const c = document.getElementById('graph-cpu'); const p = c.getContext('2d')"
            ".getImageData(0, 0, c.width, c.height).data; let n = 0;"
            "for (let i = 3; i < p.length; i += 4) if (p[i]) n++; return n;")
        self.assertGreater(inked, 500)
        self.shot("create-console-graphs")

        self.click_action(name, "destroy")
        self.wait(EC.alert_is_present(), what="the destroy confirmation")
        self.driver.switch_to.alert.accept()
        self.wait(EC.invisibility_of_element_located((By.CSS_SELECTOR, self.row(name))), 15, "the row to go")
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, panel).get_attribute("data-state") in ("ended", "gone"),
                  15, "the console to end")
        self.created.remove(name)
        self.assertEqual(T.run("list", name).returncode, 1)

    def test_cancelled_destroy_keeps_the_domain(self):
        self.open_with_token()
        name = self.create_domain(upload=True)
        self.click_action(name, "destroy")
        self.wait(EC.alert_is_present(), what="the destroy confirmation")
        self.driver.switch_to.alert.dismiss()
        time.sleep(2.5)  # one refresh later
        self.assertEqual(len(self.driver.find_elements(By.CSS_SELECTOR, self.row(name))), 1)
        self.assertEqual(T.run("list", name).returncode, 0)

    def test_pause_and_unpause_buttons(self):
        self.open_with_token()
        name = self.create_domain()
        self.click_action(name, "pause")
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, self.row(name)).get_attribute("data-state")[2] == "p",
                  15, "the paused state")
        self.click_action(name, "unpause")
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, self.row(name)).get_attribute("data-state")[2] == "-",
                  15, "the unpaused state")

    def test_a_bad_config_shows_the_servers_message(self):
        self.open_with_token()
        box = self.css("#create-config")
        box.clear()
        box.send_keys('name = "%s"\nmemory = = 3\n' % T.new_name())
        self.css("#create-submit").click()
        self.wait(lambda d: d.find_element(By.ID, "create-status").get_attribute("data-state") == "failed",
                  what="the refusal")
        self.assertIn(":2: config parsing error", self.css("#create-status").text)


if __name__ == "__main__":
    unittest.main()
