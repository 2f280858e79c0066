#!/usr/bin/env python3
"""tools/xenith against the management API: outputs, exit codes, create with
upload, console streaming, destroy. See harness.py for the server used
(XENITH_TEST_HOST/XENITH_TEST_TOKEN, or the fake on 127.0.0.1)."""
import json
import os
import pty
import re
import select
import socket
import subprocess
import sys
import termios
import threading
import time
import unittest

import harness
from harness import XENITH, free_port, wait_for

LIST_HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)"
# tools/lib/xl/commands.cpp's widths exactly: name 40, id 5, mem 5, vcpus 5, time 9.
LIST_ROW = re.compile(r"^(\S.{39}) ([ \d]{4}\d) ([ \d]{4}\d) ([ \d]{4}\d)     ([rbpscd-]{6}) ([ \d]{6}\d\.\d)$")
T = None


def setUpModule():
    global T
    T = harness.Target()


def tearDownModule():
    T.close()


def rows(stdout):
    """list's rows as (name, id, mem, vcpus, state), checking every row's columns."""
    lines = stdout.splitlines()
    assert lines[0] == LIST_HEADER, repr(lines[0])
    found = []
    for line in lines[1:]:
        if line.startswith("    "):
            continue  # list -l's detail line
        m = LIST_ROW.match(line)
        assert m, "list row not in xl's columns: %r" % line
        found.append((m.group(1).rstrip(), int(m.group(2)), int(m.group(3)), int(m.group(4)), m.group(5)))
    return found


class Cli(unittest.TestCase):
    def setUp(self):
        self.created = []

    def tearDown(self):
        for name in self.created:
            T.run("destroy", name)

    def ok(self, *args, **kw):
        r = T.run(*args, **kw)
        self.assertEqual(r.returncode, 0, "xenith %s: rc %d, stderr %r" % (" ".join(args), r.returncode, r.stderr))
        return r

    def fails(self, code, *args, **kw):
        r = T.run(*args, **kw)
        self.assertEqual(r.returncode, code, "xenith %s: stdout %r stderr %r" % (" ".join(args), r.stdout, r.stderr))
        self.assertNotIn("Traceback", r.stderr)
        return r

    def create(self, **kw):
        name = T.new_name()
        cfg = T.write_config(name, **kw)
        r = self.ok("create", cfg)
        self.created.append(name)
        self.assertIn("Parsing config from %s" % cfg, r.stdout)
        return name, r

    def domain_row(self, name):
        found = [row for row in rows(self.ok("list", name).stdout) if row[0] == name]
        self.assertEqual(len(found), 1)
        return found[0]


class ListAndInfo(Cli):
    def test_list_has_xl_columns_and_dom0_first(self):
        found = rows(self.ok("list").stdout)
        self.assertEqual(found[0][:2], ("Domain-0", 0))
        ids = [row[1] for row in found]
        self.assertEqual(ids, sorted(ids))

    def test_list_of_a_domain_by_name_and_by_id_agree(self):
        name, _ = self.create()
        row = self.domain_row(name)
        by_id = rows(self.ok("list", str(row[1])).stdout)
        self.assertEqual([r[:2] for r in by_id], [(name, row[1])])
        self.assertIn(row[2], (15, 16))  # memory = 16 in the config; xl's column rounds pages down
        self.assertEqual(row[3], 1)

    def test_list_long_adds_a_detail_line_per_domu(self):
        name, _ = self.create()
        lines = self.ok("list", "-l", name).stdout.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(lines[2].startswith("    config "))

    def test_list_of_unknown_domain_fails_with_xl_message(self):
        r = self.fails(1, "list", "nosuch-domain")
        self.assertIn("Invalid domain identifier: nosuch-domain", r.stderr)
        self.assertEqual(r.stdout, "")

    def test_info_rows_are_padded_like_xl(self):
        lines = self.ok("info").stdout.splitlines()
        keys = [line[:23].rstrip() for line in lines]
        for key in ("host", "nr_cpus", "total_memory", "free_memory", "xen_caps", "xen_scheduler"):
            self.assertIn(key, keys)
        for line in lines:
            self.assertEqual(line[23:25], ": ", line)
        caps = [line for line in lines if line.startswith("xen_caps")]
        self.assertTrue(caps[0].endswith("xen-3.0-x86_32p"))

    def test_vcpu_list_has_a_row_per_vcpu(self):
        name, _ = self.create()
        lines = self.ok("vcpu-list", name).stdout.splitlines()
        self.assertEqual(lines[0], "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)")
        self.assertEqual(len(lines), 2)
        self.assertRegex(lines[1], r"^%s[ \d]{5}\d     0[ \d]{5}[\d-]   [r-][b-][p-] [ \d]{7}\d\.\d  \S+ / all$"
                         % re.escape(name.ljust(32)))

    def test_dmesg_prints_the_hypervisor_ring(self):
        self.assertGreater(len(self.ok("dmesg").stdout), 0)

    def test_dmesg_clear_is_a_usage_error(self):
        self.fails(2, "dmesg", "-c")

    def test_metrics_are_prometheus_text_with_help_and_type(self):
        name, _ = self.create()
        text = self.ok("metrics").stdout
        for metric in ("xenith_host_memory_total_bytes", "xenith_host_memory_free_bytes", "xenith_host_cpus",
                       "xenith_domains", "xenith_domain_cpu_seconds_total", "xenith_domain_memory_bytes",
                       "xenith_domain_max_memory_bytes", "xenith_domain_vcpus", "xenith_domain_running"):
            self.assertIn("# HELP %s " % metric, text)
            self.assertRegex(text, r"# TYPE %s (gauge|counter)\n" % metric)
        m = re.search(r'\nxenith_domain_memory_bytes\{id="\d+",name="%s"\} (\d+)\n' % re.escape(name), text)
        self.assertTrue(m, "no memory sample of %s" % name)
        self.assertLessEqual(abs(int(m.group(1)) - (16 << 20)), 1 << 20)  # memory = 16 (MiB), give or take a page

    def test_top_batch_prints_the_given_number_of_tables(self):
        out = self.ok("top", "-b", "-i", "2", "-d", "0.2").stdout
        header = "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS"
        self.assertEqual(out.count(header), 2)
        self.assertRegex(out, r"\nDomain-0   [r-][b-][p-][s-]  [ \d]{8}\d[ \d]{6}\d[ \d]{10}\d[ \d]{6}\d"
                              r"[ \d]{10}\d[ \d]{9}\d[ \d]{5}\d\n")

    def test_uptime_and_domid_and_domname(self):
        name, _ = self.create()
        domid = self.ok("domid", name).stdout.strip()
        self.assertTrue(domid.isdigit())
        self.assertEqual(self.ok("domname", domid).stdout, name + "\n")
        self.assertRegex(self.ok("uptime", name).stdout,
                         r"\n%s%s  \d+:\d\d:\d\d\n" % (re.escape(name.ljust(32)), domid.rjust(5)))


class ExitCodes(Cli):
    def test_wrong_token_is_4_and_changes_nothing(self):
        name, _ = self.create()
        r = self.fails(4, "destroy", name, token="0000000000000000")
        self.assertIn("refused", r.stderr)
        self.domain_row(name)  # still there

    def test_missing_token_is_4(self):
        self.fails(4, "list", token="")

    def test_token_and_host_from_the_environment(self):
        env = T.env(XENITH_HOST=T.host, XENITH_TOKEN=T.token)
        r = subprocess.run([sys.executable, XENITH, "list"], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(rows(r.stdout)[0][0], "Domain-0")

    def test_nothing_listening_is_3(self):
        r = self.fails(3, "list", host="127.0.0.1:%d" % free_port())
        self.assertIn("cannot connect", r.stderr)

    def test_a_server_that_never_answers_is_3(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)  # the kernel accepts; nobody reads or answers
        try:
            r = T.run("--timeout", "1", "list", host="127.0.0.1:%d" % s.getsockname()[1])
        finally:
            s.close()
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("timed out", r.stderr)

    def test_usage_errors_are_2(self):
        cases = [(), ("nosuch-command",), ("mem-set", "x", "lots"), ("mem-set", "x"), ("vcpu-set", "x", "0"),
                 ("vcpu-set", "x", "33"), ("sched-credit", "-d", "x", "-w", "0"),
                 ("sched-credit", "-d", "x", "-c", "65535"), ("sched-credit", "-w", "5"), ("shutdown",),
                 ("reboot",), ("create",), ("create", "a.cfg", "not-key-value"), ("console",),
                 ("top", "-i", "2"), ("top", "-b", "-i", "0"), ("domname", "abc"), ("list", "--bogus"),
                 ("--timeout", "0", "list"), ("--timeout", "nan", "list"), ("--timeout", "x", "list")]
        for args in cases:
            with self.subTest(args=args):
                self.fails(2, *args)

    def test_help_is_0_and_lists_the_commands(self):
        r = self.ok("--help")
        for name in ("list", "create", "console", "sched-credit", "top", "metrics"):
            self.assertIn(name, r.stdout)
        self.assertIn("usage: xenith create", self.ok("create", "--help").stdout)

    def test_no_host_or_a_bad_host_is_2(self):
        r = subprocess.run([sys.executable, XENITH, "list"], capture_output=True, text=True, env=T.env(), timeout=30)
        self.assertEqual(r.returncode, 2)
        self.assertIn("XENITH_HOST", r.stderr)
        for bad in ("127.0.0.1:99999", "127.0.0.1:x", "a b", ""):
            with self.subTest(host=bad):
                self.fails(2, "list", host=bad or ":")

    def test_usage_errors_reach_no_server(self):
        # With nothing listening, a usage error must still be 2, not 3.
        self.fails(2, "vcpu-set", "x", "0", host="127.0.0.1:%d" % free_port())

    def test_unknown_domain_is_1_for_every_command(self):
        for args in (("destroy", "nosuch"), ("pause", "nosuch"), ("unpause", "nosuch"), ("shutdown", "nosuch"),
                     ("reboot", "nosuch"), ("console", "nosuch"), ("mem-set", "nosuch", "8"),
                     ("vcpu-set", "nosuch", "1"), ("sched-credit", "-d", "nosuch"), ("vcpu-list", "nosuch"),
                     ("domid", "nosuch")):
            with self.subTest(args=args):
                r = self.fails(1, *args)
                self.assertIn("Invalid domain identifier: nosuch", r.stderr)


class Create(Cli):
    def test_create_uploads_the_kernel_and_the_domain_runs(self):
        name, r = self.create()
        self.assertEqual(r.stderr, "")  # stderr is no terminal: no bars
        row = self.domain_row(name)
        self.assertGreater(row[1], 0)
        self.assertNotIn("d", row[4])

    def test_create_with_a_relative_kernel_path_uploads_it_from_beside_the_config(self):
        name = T.new_name()
        local = os.path.join(T.dir, name + ".elf")
        with open(T.kernel, "rb") as src, open(local, "wb") as dst:
            dst.write(src.read())
        cfg = T.write_config(name, kernel=os.path.basename(local))
        self.ok("create", cfg)
        self.created.append(name)
        self.domain_row(name)

    def test_an_upload_over_64_mib_is_refused_before_sending(self):
        name = T.new_name()
        big = os.path.join(T.dir, name + ".elf")
        with open(big, "wb") as f:
            f.write(b"\x7fELF")
            f.truncate(64 << 20)  # sparse: the limit is on the whole body
        try:
            r = self.fails(1, "create", T.write_config(name, kernel=big))
        finally:
            os.unlink(big)
        self.assertIn("more than the API's 64.0 MiB", r.stderr)
        self.fails(1, "list", name)

    def test_create_key_value_overrides_the_file(self):
        name = T.new_name()
        cfg = T.write_config(name)
        self.ok("create", cfg, "memory=8")
        self.created.append(name)
        self.assertIn(self.domain_row(name)[2], (7, 8))

    def test_create_shows_bars_on_a_terminal_and_not_with_quiet(self):
        for quiet in (False, True):
            with self.subTest(quiet=quiet):
                name = T.new_name()
                cfg = T.write_config(name)
                master, slave = pty.openpty()
                args = [sys.executable, XENITH, "--host", T.host, "--token", T.token, "create"]
                p = subprocess.Popen(args + (["-q"] if quiet else []) + [cfg], stdout=subprocess.PIPE,
                                     stderr=slave, env=T.env())
                os.close(slave)
                shown = b""
                while True:
                    ready, _, _ = select.select([master], [], [], 60)
                    if not ready:
                        break
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        break  # the pty's other side is closed
                    if not chunk:
                        break
                    shown += chunk
                os.close(master)
                self.assertEqual(p.wait(60), 0, shown)
                p.stdout.close()
                self.created.append(name)
                if quiet:
                    self.assertEqual(shown, b"")
                else:
                    self.assertIn(b"upload", shown)
                    self.assertIn(b"create", shown)
                    self.assertIn(b"100%", shown)

    def test_create_with_a_syntax_error_names_the_line(self):
        name = T.new_name()
        cfg = T.write_config(name, extra="memory = = 3\n")
        r = self.fails(1, "create", cfg)
        self.assertRegex(r.stderr, r":8: config parsing error near")
        self.fails(1, "list", name)

    def test_create_without_a_kernel_key_fails(self):
        name = T.new_name()
        path = os.path.join(T.dir, name + ".cfg")
        with open(path, "w") as f:
            f.write('name = "%s"\nmemory = 16\n' % name)
        r = self.fails(1, "create", path)
        self.assertIn("kernel", r.stderr)
        self.fails(1, "list", name)

    def test_create_of_a_missing_config_file_fails_like_xl(self):
        r = self.fails(1, "create", os.path.join(T.dir, "none.cfg"))
        self.assertIn("Failed to read config file: %s: No such file or directory" % os.path.join(T.dir, "none.cfg"),
                      r.stderr)

    def test_create_of_a_name_in_use_fails_and_keeps_the_first(self):
        name, _ = self.create()
        first = self.domain_row(name)
        self.fails(1, "create", T.write_config(name))
        self.assertEqual(self.domain_row(name)[1], first[1])

    def test_create_of_a_kernel_that_is_no_elf_fails(self):
        name = T.new_name()
        junk = os.path.join(T.dir, name + ".bin")
        with open(junk, "wb") as f:
            f.write(b"this is not a kernel\n" * 100)
        r = self.fails(1, "create", T.write_config(name, kernel=junk))
        if T.fake:  # the fake refuses in the build; a server may refuse the upload at once
            self.assertIn("failed to create domain %s" % name, r.stderr)
        self.fails(1, "list", name)

    def test_create_with_a_dom0_kernel_path_is_sent_as_json(self):
        # No such file on this machine: the path is dom0's own file system's.
        name = T.new_name()
        r = T.run("create", T.write_config(name, kernel="/nonexistent-on-host/kernel.elf"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent-on-host/kernel.elf", r.stderr)


class Lifecycle(Cli):
    def test_destroy_removes_the_domain(self):
        name, _ = self.create()
        self.ok("destroy", name)
        self.created.remove(name)
        self.fails(1, "list", name)
        self.fails(1, "destroy", name)

    def test_pause_and_unpause_show_in_the_state(self):
        name, _ = self.create()
        self.ok("pause", name)
        self.assertEqual(self.domain_row(name)[4][2], "p")
        self.ok("unpause", name)
        self.assertEqual(self.domain_row(name)[4][2], "-")

    def test_sched_credit_sets_and_shows_weight_and_cap(self):
        name, _ = self.create()
        self.assertEqual(self.ok("sched-credit", "-d", name, "-w", "512", "-c", "50").stdout, "")
        lines = self.ok("sched-credit", "-d", name).stdout.splitlines()
        self.assertEqual(lines[:2], ["Cpupool Pool-0: tslice=30ms ratelimit=1000us migration-delay=0us",
                                     "Name                                ID Weight  Cap"])
        self.assertRegex(lines[2], r"^%s[ \d]{5}\d    512   50$" % re.escape(name.ljust(32)))

    def test_mem_set_is_accepted(self):
        name, _ = self.create()
        self.ok("mem-set", name, "8m")
        if T.fake:
            # The fake's guests balloon at once and it refuses more than the
            # maximum as libxl does; the echo guest has no balloon driver.
            self.assertIn(self.domain_row(name)[2], (7, 8))
            self.fails(1, "mem-set", name, "1g")

    def test_vcpu_set_above_max_fails_with_xl_message(self):
        name, _ = self.create()
        r = self.fails(1, "vcpu-set", name, "2")
        self.assertIn("You cannot set vcpus greater than the domain's maximum (1)", r.stderr)

    def test_reboot_is_accepted_and_the_domain_is_still_known(self):
        name, _ = self.create()
        self.ok("reboot", name)
        wait_for(lambda: T.run("list", name).returncode == 0, 60, "the rebooted domain")

    def test_shutdown_wait_returns_once_the_domain_is_gone(self):
        name, _ = self.create()
        r = self.ok("shutdown", "-w", name, timeout=180)
        self.assertIn("Waiting for 1 domains", r.stdout)
        self.created.remove(name)
        self.fails(1, "list", name)


class Canned:
    """A server on 127.0.0.1 that answers every connection with the same bytes:
    a broken or hostile dom0, for the client's rejection paths only."""

    def __init__(self, answer):
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.host = "127.0.0.1:%d" % self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            with c:
                c.settimeout(5)
                try:
                    c.recv(65536)
                    c.sendall(self.answer)
                except OSError:
                    pass

    def close(self):
        self.sock.close()


def json_answer(body, status="200 OK"):
    return ("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
            % (status, len(body))).encode() + body


class HostileServer(unittest.TestCase):
    def run_against(self, answer, *args):
        srv = Canned(answer)
        try:
            r = T.run(*args, host=srv.host)
        finally:
            srv.close()
        self.assertNotIn("Traceback", r.stderr)
        return r

    def test_answers_not_shaped_as_the_api_are_1(self):
        for body in (b"[]", b'{"domains": [{"id": "x"}]}', b'{"domains": 5}', b"{}", b'{"domains": [null]}'):
            with self.subTest(body=body):
                r = self.run_against(json_answer(body), "list")
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("does not follow API v1", r.stderr)

    def test_json_that_is_no_json_is_1(self):
        for body in (b"<html>", b"[" * 200000, b'{"error": "\xff\xfe"}'):
            with self.subTest(body=body[:10]):
                r = self.run_against(json_answer(body), "info")
                self.assertEqual(r.returncode, 1)
                self.assertIn("not JSON", r.stderr)

    def test_a_huge_answer_is_refused_not_buffered(self):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 17000000\r\n\r\n"
        r = self.run_against(head + b" " * 17000000, "info")
        self.assertEqual(r.returncode, 1)
        self.assertIn("larger than", r.stderr)

    def test_an_error_without_a_message_names_the_status(self):
        r = self.run_against(json_answer(b"oops", "500 Internal Server Error"), "pause", "x")
        self.assertEqual(r.returncode, 1)
        self.assertIn("500", r.stderr)

    def test_a_401_without_json_is_still_4(self):
        self.assertEqual(self.run_against(json_answer(b"no", "401 Unauthorized"), "list").returncode, 4)

    def test_no_http_at_all_is_3(self):
        self.assertEqual(self.run_against(b"SSH-2.0-OpenSSH\r\n", "list").returncode, 3)

    def test_an_answer_cut_short_is_3(self):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
        self.assertEqual(self.run_against(head, "list").returncode, 3)

    def test_control_characters_in_names_do_not_reach_the_terminal(self):
        body = json.dumps({"domains": [{"id": 1, "name": "evil\x1b]0;owned\x07\n", "state": "-b----", "vcpus": 1,
                                        "memory_kib": 1024, "cpu_time_s": 0.0}]}).encode()
        r = self.run_against(json_answer(body), "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("\x1b", r.stdout)
        self.assertIn("evil?]0;owned??", r.stdout)
        self.assertEqual(len(r.stdout.splitlines()), 2)


class Console(Cli):
    def attach(self, name):
        p = subprocess.Popen([sys.executable, XENITH, "--host", T.host, "--token", T.token, "console", name],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=T.env())
        def reap():
            if p.poll() is None:
                p.kill()
            p.wait()
            for f in (p.stdin, p.stdout, p.stderr):
                f.close()

        self.addCleanup(reap)
        return p

    def read_until(self, p, pattern, timeout=60):
        got = b""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, got):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([p.stdout], [], [], max(left, 0))
            self.assertTrue(ready, "no %r in console output %r" % (pattern, got))
            chunk = os.read(p.stdout.fileno(), 4096)
            self.assertTrue(chunk, "console ended before %r: %r" % (pattern, got))
            got += chunk
        return got

    def test_console_streams_output_and_sends_input(self):
        name, _ = self.create()
        p = self.attach(name)
        self.read_until(p, rb"\S")  # what the domain printed so far, or its first line
        if T.echoes:
            p.stdin.write(b"ping-4711\r")
            p.stdin.flush()
            self.read_until(p, rb"echo: ping-4711")
        p.stdin.write(b"\x1d")  # Ctrl-]: detach
        p.stdin.flush()
        self.assertEqual(p.wait(30), 0)
        self.domain_row(name)  # detaching leaves the domain running

    def test_create_c_attaches_to_the_new_console(self):
        name = T.new_name()
        p = subprocess.Popen([sys.executable, XENITH, "--host", T.host, "--token", T.token, "create", "-c",
                              T.write_config(name)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=T.env())
        self.created.append(name)
        try:
            self.read_until(p, rb"Parsing config from .*\n(.|\n)*\S")
            p.stdin.write(b"\x1d")
            p.stdin.flush()
            self.assertEqual(p.wait(30), 0)
        finally:
            if p.poll() is None:
                p.kill()
            p.wait()
            for f in (p.stdin, p.stdout, p.stderr):
                f.close()
        self.domain_row(name)

    def on_terminal(self, *args):
        """xenith ARGS with a pty as its terminal: process, master, slave, the slave's first mode."""
        master, slave = pty.openpty()
        mode = termios.tcgetattr(slave)
        p = subprocess.Popen([sys.executable, XENITH, "--host", T.host, "--token", T.token] + list(args),
                             stdin=slave, stdout=slave, stderr=slave, env=T.env())

        def reap():
            if p.poll() is None:
                p.kill()
            p.wait()
            os.close(master)
            os.close(slave)

        self.addCleanup(reap)
        return p, master, slave, mode

    def read_terminal(self, master, pattern, timeout=60):
        got = b""
        deadline = time.monotonic() + timeout
        while not re.search(pattern, got):
            ready, _, _ = select.select([master], [], [], max(deadline - time.monotonic(), 0))
            self.assertTrue(ready, "no %r on the terminal: %r" % (pattern, got))
            got += os.read(master, 4096)
        return got

    def test_console_on_a_terminal_is_raw_and_restores_the_mode(self):
        name, _ = self.create()
        p, master, slave, before = self.on_terminal("console", name)
        self.assertTrue(before[3] & termios.ICANON)
        self.read_terminal(master, rb"\S")
        wait_for(lambda: not termios.tcgetattr(slave)[3] & (termios.ICANON | termios.ECHO), 10, "raw mode")
        if T.echoes:
            os.write(master, b"ping-tty\r")  # Enter, as a raw terminal sends it
            self.read_terminal(master, rb"echo: ping-tty")
        os.write(master, b"\x1d")
        self.assertEqual(p.wait(30), 0)
        self.assertEqual(termios.tcgetattr(slave), before)

    def test_interactive_top_redraws_until_a_key(self):
        p, master, slave, before = self.on_terminal("top", "-d", "0.3")
        shown = self.read_terminal(master, rb"(?s)NAME  STATE.*NAME  STATE")  # two tables: it redraws
        self.assertIn(b"\x1b[2J", shown)
        os.write(master, b"q")
        self.assertEqual(p.wait(30), 0)
        self.assertEqual(termios.tcgetattr(slave), before)

    def test_console_ends_when_the_domain_is_destroyed(self):
        name, _ = self.create()
        p = self.attach(name)
        self.read_until(p, rb"\S")
        self.ok("destroy", name)
        self.created.remove(name)
        self.assertEqual(p.wait(30), 0)

    def test_console_keeps_following_after_the_end_of_piped_input(self):
        name, _ = self.create()
        p = self.attach(name)
        self.read_until(p, rb"\S")
        p.stdin.close()
        time.sleep(1)
        self.assertIsNone(p.poll())
        self.ok("destroy", name)
        self.created.remove(name)
        self.assertEqual(p.wait(30), 0)


if __name__ == "__main__":
    unittest.main()
