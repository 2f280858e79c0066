"""What test_cli.py and test_browser.py share: the server under test.

XENITH_TEST_HOST (HOST:PORT) and XENITH_TEST_TOKEN name a real dom0's API
(the integrator points them at QEMU's hostfwd); when unset, fake_server.py
is started on 127.0.0.1 with a random port and token. XENITH_TEST_KERNEL is
the kernel the tests upload to create domains; by default a file the fake
accepts (an ELF magic and nothing else), or, against a real server, the
echo test guest from build/ when it is there.

The tests discover the server's state (which domains there are, which ids
new ones get) and create and destroy domains of their own, named
apitest-<pid>-<n>, so they mean the same against the fake and the real one.
"""
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
XENITH = os.path.join(ROOT, "tools", "xenith", "xenith")
sys.path.insert(0, HERE)

_names = itertools.count(1)


class Target:
    def __init__(self):
        self.fake = None
        host = os.environ.get("XENITH_TEST_HOST")
        if host:
            self.host = host.removeprefix("http://").rstrip("/")
            self.token = os.environ.get("XENITH_TEST_TOKEN", "")
        else:
            import fake_server
            self.token = os.urandom(8).hex()
            self.fake = fake_server.start(self.token)
            self.host = "127.0.0.1:%d" % self.fake.server_port
        self.dir = tempfile.mkdtemp(prefix="xenith-api-test-")
        self.kernel = os.environ.get("XENITH_TEST_KERNEL") or self._default_kernel()
        # The echo guest answers typed lines; another kernel is only seen to print.
        self.echoes = self.fake is not None or "echo" in os.path.basename(self.kernel)

    def _default_kernel(self):
        built = os.path.join(ROOT, "build", "tests", "guests", "echo.elf")
        if self.fake is None and os.path.isfile(built):
            return built
        path = os.path.join(self.dir, "echo.elf")
        with open(path, "wb") as f:
            f.write(b"\x7fELF" + bytes(range(256)) * 64)  # 16 KiB: the bar has something to show
        return path

    def url(self):
        return "http://%s/" % self.host

    def close(self):
        if self.fake:
            self.fake.shutdown_all()

    def new_name(self):
        return "apitest-%d-%d" % (os.getpid(), next(_names))

    def write_config(self, name, kernel=None, extra=""):
        path = os.path.join(self.dir, name + ".cfg")
        with open(path, "w") as f:
            f.write('# made by tests/api\nname = "%s"\ntype = "pv"\nkernel = "%s"\nmemory = 16\nvcpus = 1\n'
                    'on_poweroff = "destroy"\n%s' % (name, kernel or self.kernel, extra))
        return path

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("XENITH_")}
        env.update(extra)
        return env

    def run(self, *args, token=None, host=None, timeout=60, stdin=None, env=None):
        """tools/xenith with this target's host and token (or the ones given)."""
        cmd = [sys.executable, XENITH, "--host", host or self.host, "--token",
               self.token if token is None else token] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=stdin,
                              env=env or self.env())


def free_port():
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
