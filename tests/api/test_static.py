#!/usr/bin/env python3
"""What the clients ship, checked without a server: the page's files fit
dom0's compiled-in table and load nothing from elsewhere; the man page
renders without groff warnings; the CLI is one executable stdlib file."""
import ast
import os
import re
import shutil
import subprocess
import sys
import unittest

from harness import ROOT, XENITH

WWW = os.path.join(ROOT, "tools", "dom0", "www")
PAGE = ("index.html", "app.js", "app.css")
MAN = os.path.join(ROOT, "tools", "xenith", "xenith.1")
STDLIB = set(sys.stdlib_module_names)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class PageFiles(unittest.TestCase):
    def test_the_page_is_three_files_under_60_kib(self):
        total = sum(os.path.getsize(os.path.join(WWW, f)) for f in PAGE)
        self.assertLess(total, 60 * 1024)
        self.assertEqual(sorted(os.listdir(WWW)), sorted(PAGE))

    def test_the_page_loads_only_its_own_files(self):
        html = read(os.path.join(WWW, "index.html"))
        self.assertEqual(sorted(re.findall(r'(?:src|href)="([^"]+)"', html)), ["app.css", "app.js"])
        for name in PAGE:
            text = read(os.path.join(WWW, name))
            self.assertNotRegex(text, r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", name)
            self.assertNotIn("@import", text, name)

    def test_server_text_never_goes_in_as_html(self):
        js = read(os.path.join(WWW, "app.js"))
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            self.assertNotIn(sink, js)


class ManPage(unittest.TestCase):
    @unittest.skipUnless(shutil.which("groff"), "groff is not installed")
    def test_renders_without_warnings(self):
        r = subprocess.run(["groff", "-man", "-ww", "-z", MAN], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_documents_every_command(self):
        man = read(MAN).replace("\\-", "-")
        src = read(XENITH)
        commands = re.search(r"COMMANDS = \{(.*?)\}", src, re.S).group(1)
        for name in re.findall(r'"([a-z-]+)":', commands):
            if name != "li":
                self.assertRegex(man, r"\n\.(?:TP\n|TQ\n)?\.BI? %s\b|\n\.BR %s\b" % (name, name), name)


class Cli(unittest.TestCase):
    def test_is_executable_and_uses_only_the_standard_library(self):
        self.assertTrue(os.access(XENITH, os.X_OK))
        tree = ast.parse(read(XENITH))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            for n in names:
                self.assertIn(n.split(".")[0], STDLIB, n)


if __name__ == "__main__":
    unittest.main()
