"""harness.py - run a real heed server on a temp database and talk to it.

Each test class that derives from ServerTest gets its own temporary
directory, database (TMP/heed.db), three agents created with the CLI
(admin, supervisor, agent), an API token for each, and a server started with
`heed serve --db DB --listen 127.0.0.1:0`. The port is read from the
server's "heed: listening on http://127.0.0.1:PORT" line. A class cleanup
stops the server with SIGTERM and fails unless it exits 0 within 10 s.

The server's stderr goes to TMP/server.log; its tail is printed by the
runner when a test fails, and appended to shutdown failures.

Environment: HEED_BIN (default build/heed), HEED_KEEP_TMP=1 keeps the temp
directories. Timeouts are generous because the binary may run under ASan.
"""

import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEED_BIN = os.path.abspath(os.path.join(ROOT, os.environ.get("HEED_BIN", "build/heed")))
PASSWORD = "correct horse battery"
REQUEST_TIMEOUT = 30.0
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
CLI_TIMEOUT = 60.0
TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
LISTEN_RE = re.compile(r"heed: listening on http://127\.0\.0\.1:(\d+)")
MIB = 1024 * 1024


def cli(db, *args, stdin=None):
    """Run `heed ARGS --db DB`; return stdout, raise with stderr on failure."""
    cmd = [HEED_BIN] + list(args[:2]) + ["--db", db] + list(args[2:])
    p = subprocess.run(cmd, input=stdin, capture_output=True, text=True,
                       timeout=CLI_TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(cmd), p.returncode,
                                                p.stderr.strip()[-2000:]))
    return p.stdout


def add_agent(db, email, name, role, password=PASSWORD):
    cli(db, "agent", "add", "--email", email, "--name", name, "--role", role,
        "--password-stdin", stdin=password + "\n")
    out = cli(db, "token", "create", "--email", email).strip().splitlines()
    if len(out) != 1 or not out[0].strip():
        raise RuntimeError("token create printed %r, want one line" % out)
    return out[0].strip()


class Server:
    """One `heed serve` process on a given database."""

    def __init__(self, db, log_path, env=None):
        self.db = db
        self.log_path = log_path
        self.env = env or {}
        self.proc = None
        self.port = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [HEED_BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0"],
            stdout=subprocess.PIPE, stderr=self.log, stdin=subprocess.DEVNULL,
            env=dict(os.environ, HEED_WEB_DIR=os.path.join(ROOT, "web"), **self.env))
        lines = queue.Queue()

        def drain():  # keep reading so the server never blocks on stdout
            for line in self.proc.stdout:
                lines.put(line.decode("utf-8", "replace"))
            lines.put(None)

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + START_TIMEOUT
        seen = []
        while True:
            left = deadline - time.monotonic()
            try:
                line = lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = None
                left = 0
            if line is not None:
                seen.append(line)
                m = LISTEN_RE.search(line)
                if m:
                    self.port = int(m.group(1))
                    return self
                continue
            self.kill()
            why = "timed out" if left <= 0 else "stdout closed"
            raise RuntimeError("heed serve did not announce its port (%s); stdout %r\n%s"
                               % (why, "".join(seen)[-500:], self.log_tail()))

    def stop(self):
        """SIGTERM; return the exit code (None if it had to be killed)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        finally:
            self.log.close()

    def kill(self):
        """SIGKILL (if still running) and reap."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.proc is not None:
            self.proc.wait(STOP_TIMEOUT)
            self.log.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()[-16384:].decode("utf-8", "replace")
        except OSError:
            return "(no server log)"
        tail = data.splitlines()[-n:]
        return "--- server stderr (last %d lines) ---\n%s" % (len(tail), "\n".join(tail))


class Response:
    """status, headers (case-insensitive), json (or None), raw bytes."""

    def __init__(self, method, path, status, headers, raw):
        self.method, self.path = method, path
        self.status, self.headers, self.raw = status, headers, raw
        self.json = None
        try:
            self.json = json.loads(raw.decode("utf-8")) if raw else None
        except (ValueError, UnicodeDecodeError):
            pass

    def __iter__(self):  # allows: status, headers, body, raw = resp
        return iter((self.status, self.headers, self.json, self.raw))

    def __repr__(self):
        body = self.raw[:600].decode("utf-8", "replace")
        return "%s %s -> %d %s" % (self.method, self.path, self.status, body)


class Client:
    """A keep-alive HTTP client; one per thread."""

    def __init__(self, port, token=None):
        self.port, self.token = port, token
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, token=None, headers=None, raw=None,
                ctype="application/json"):
        """Send one request. body (dict/list) is sent as JSON; raw is sent as
        is. ctype is the Content-Type for a body (None omits it). token
        defaults to the client's; pass token="" for no Authorization."""
        hdrs = {}
        tok = self.token if token is None else token
        if tok:
            hdrs["Authorization"] = "Bearer " + tok
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
        if payload is not None and ctype is not None:
            hdrs["Content-Type"] = ctype
        if payload is None and method in ("POST", "PUT", "PATCH"):
            hdrs["Content-Length"] = "0"
        hdrs.update(headers or {})
        for attempt in (0, 1):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=REQUEST_TIMEOUT)
            try:
                self.conn.request(method, path, body=payload, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                if r.will_close:
                    self.close()
                return Response(method, path, r.status, r.headers, data)
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.BadStatusLine):
                self.close()
                if fresh or attempt:
                    raise
        raise AssertionError("unreachable")

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def raw_exchange(port, head, body, timeout=REQUEST_TIMEOUT):
    """Send a request head and a body on a fresh socket, tolerating the server
    closing early (as it may after a 413); return a Response or None."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(head)
            for i in range(0, len(body), 65536):
                s.sendall(body[i:i + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = http.client.HTTPResponse(s, method="POST")
        try:
            r.begin()
            data = r.read()
        except (ConnectionResetError, http.client.RemoteDisconnected):
            return None
        return Response("POST", "(raw)", r.status, r.headers, data)
    finally:
        s.close()


class ServerTest(unittest.TestCase):
    """Base class: a fresh server per test class, with admin/supervisor/agent."""

    server = None
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        if not os.access(HEED_BIN, os.X_OK):
            raise RuntimeError("no server binary at %s (set HEED_BIN)" % HEED_BIN)
        cls.tmp = tempfile.mkdtemp(prefix="heed-api-")
        if os.environ.get("HEED_KEEP_TMP") != "1":
            cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)
        cls.db = os.path.join(cls.tmp, "heed.db")
        cls.tokens = {}
        for role in ("admin", "supervisor", "agent"):
            cls.tokens[role] = add_agent(cls.db, "%s@example.com" % role,
                                         role.capitalize() + " Person", role)
        cls.extra_setup_cli()
        cls.server = Server(cls.db, os.path.join(cls.tmp, "server.log"),
                            cls.server_env()).start()
        cls.addClassCleanup(cls._shutdown)
        cls.port = cls.server.port
        cls.admin = Client(cls.port, cls.tokens["admin"])
        cls.supervisor = Client(cls.port, cls.tokens["supervisor"])
        cls.agent = Client(cls.port, cls.tokens["agent"])
        cls.anon = Client(cls.port, "")
        cls.ids = {}
        for role in ("admin", "supervisor", "agent"):
            r = getattr(cls, role).get("/api/v1/me")
            if r.status != 200 or not isinstance(r.json, dict):
                raise RuntimeError("GET /api/v1/me as %s: %r" % (role, r))
            cls.ids[role] = r.json.get("id")

    @classmethod
    def server_env(cls):
        """Hook: extra environment for `heed serve` (cls.tmp exists)."""
        return {}

    @classmethod
    def extra_setup_cli(cls):
        """Hook: more CLI work before the server starts."""

    @classmethod
    def _shutdown(cls):
        """Class cleanup (runs even when setUpClass fails after the start)."""
        for c in ("admin", "supervisor", "agent", "anon"):
            if c in cls.__dict__:
                getattr(cls, c).close()
        rc = cls.server.stop()
        tail = cls.server.log_tail()
        if rc != 0:
            raise AssertionError("heed serve exit code %s after SIGTERM (want 0 within %ds)\n%s"
                                 % (rc, STOP_TIMEOUT, tail))

    # ---- assertions -------------------------------------------------------

    def assertStatus(self, r, status, msg=None):
        want = status if isinstance(status, (tuple, list, set)) else (status,)
        if r.status not in want:
            self.fail("%s: want %s, got %r" % (msg or "status", status, r))

    def assertJSON(self, r):
        ct = r.headers.get("Content-Type", "")
        self.assertTrue(ct.startswith("application/json"),
                        "Content-Type %r, want application/json: %r" % (ct, r))
        self.assertIsNotNone(r.json, "body is not JSON: %r" % r)

    def assertError(self, r, status, code, field=None):
        """The error envelope: {"error": {"code", "message", "field"?}}."""
        self.assertStatus(r, status)
        self.assertJSON(r)
        err = r.json.get("error") if isinstance(r.json, dict) else None
        self.assertIsInstance(err, dict, "no error object: %r" % r)
        self.assertEqual(err.get("code"), code, "error code: %r" % r)
        self.assertIsInstance(err.get("message"), str, "error message: %r" % r)
        self.assertTrue(err["message"], "empty error message: %r" % r)
        if field is not None:
            self.assertEqual(err.get("field"), field, "error field: %r" % r)
        return err

    def assertErrors(self, rows):
        """rows of (label, send, status, code, field): each is a subtest, so
        every row is checked even when one fails."""
        for label, send, status, code, field in rows:
            with self.subTest(label):
                self.assertError(send(), status, code, field)

    def assertTime(self, value, what="time"):
        self.assertIsInstance(value, str, what)
        self.assertRegex(value, TIME_RE, "%s is not RFC 3339 UTC with ms" % what)

    def assertHealthy(self):
        r = self.anon.get("/healthz")
        self.assertStatus(r, 200, "server no longer healthy")
        self.assertEqual(r.json, {"status": "ok"})

    # ---- helpers ------------------------------------------------------------

    def count(self, path, client=None):
        """Number of items in a paged list (follows next_cursor)."""
        return len(self.list_all(path, client))

    def list_all(self, path, client=None, limit=200):
        c = client or self.admin
        sep = "&" if "?" in path else "?"
        items, cursor, pages = [], None, 0
        while True:
            url = "%s%slimit=%d" % (path, sep, limit)
            if cursor is not None:
                url += "&cursor=" + _q(cursor)
            r = c.get(url)
            self.assertStatus(r, 200, "listing %s" % url)
            items.extend(r.json["items"])
            cursor = r.json.get("next_cursor")
            pages += 1
            if cursor is None:
                return items
            self.assertLess(pages, 1000, "pagination does not end")

    def new_customer(self, *identifiers, name=None, client=None):
        body = {"identifiers": [{"kind": k, "value": v} for k, v in identifiers]}
        if name is not None:
            body["name"] = name
        r = (client or self.admin).post("/api/v1/customers", body)
        self.assertStatus(r, 201, "creating customer")
        return r.json

    def new_case(self, customer_id=None, subject="printer on fire", client=None, **extra):
        """A case; a repeat for the same customer is confirmed as new (the
        "no second ticket" rule has its own tests)."""
        if customer_id is None:
            customer_id = self.new_customer(("email", "c%d@example.com" % _seq()))["id"]
        body = {"customer_id": customer_id, "subject": subject, "confirm_new": True}
        body.update(extra)
        r = (client or self.admin).post("/api/v1/cases", body)
        self.assertStatus(r, 201, "creating case")
        return r.json


_counter = [0]
_counter_lock = threading.Lock()


def _seq():
    with _counter_lock:
        _counter[0] += 1
        return _counter[0]


def unique(prefix="x"):
    return "%s%d-%d" % (prefix, os.getpid(), _seq())


def _q(s):
    from urllib.parse import quote
    return quote(str(s), safe="")


q = _q
