#!/usr/bin/env python3
"""test_crash.py - acknowledged writes survive kill -9.

    HEED_BIN=build/heed python3 tests/crash/test_crash.py

Starts heed on a temp database; 16 client threads POST cases (500 in all),
each with a unique subject and one fact, and record every case id answered
201 with its subject. After about half the creations, in the middle of the
traffic, the server gets SIGKILL. It is restarted on the same database and
every acknowledged case must be there and intact: the subject matches, the
"created" and "fact" events exist and the fact is current. The restarted
server must accept new writes and stop cleanly on SIGTERM.

Prints one closing line, "crash: N passed, N failed" (one check per
acknowledged case, plus the server checks), and exits 1 on any failure.
Bounded to 120 s.
"""

import os
import shutil
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))

from harness import Client, Server, add_agent  # noqa: E402

THREADS = 16
TOTAL = 500
KILL_AFTER = TOTAL // 2
DEADLINE = 120.0


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s" % what, flush=True)
        return ok


def load(port, token, deadline):
    """Start the writer threads. Return (acked {id: (subject, n)}, bad
    answers, the lock guarding both, the kill event, the threads)."""
    acked, bad = {}, []
    lock = threading.Lock()
    next_n = [0]
    killed = threading.Event()   # set just before SIGKILL

    def take():
        with lock:
            if next_n[0] >= TOTAL or killed.is_set():
                return None
            next_n[0] += 1
            return next_n[0]

    def worker():
        c = Client(port, token)
        while time.monotonic() < deadline:
            n = take()
            if n is None:
                break
            subject = "crash case %04d %s" % (n, os.urandom(4).hex())
            try:
                r = c.post("/api/v1/cases", {
                    "customer": {"name": "Crash %d" % n,
                                 "identifiers": [{"kind": "email", "value": "crash%d@example.com" % n}]},
                    "subject": subject, "facts": {"crash.seq": n}})
            except Exception:  # noqa: BLE001 - the server died under us
                if not killed.is_set():
                    with lock:
                        bad.append("request %d: connection error before the kill" % n)
                break
            with lock:
                if r.status == 201 and isinstance(r.json, dict):
                    acked[r.json["id"]] = (subject, n)
                elif not killed.is_set():
                    bad.append(repr(r))
        c.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS)]
    for t in threads:
        t.start()
    return acked, bad, lock, killed, threads


def verify(client, cid, subject, n):
    """Return None if case cid is intact, else what is wrong."""
    r = client.get("/api/v1/cases/%d" % cid)
    if r.status != 200:
        return "GET case %d: %r" % (cid, r)
    if r.json.get("subject") != subject:
        return "case %d subject %r, want %r" % (cid, r.json.get("subject"), subject)
    r = client.get("/api/v1/cases/%d/events?limit=200" % cid)
    if r.status != 200:
        return "GET events of %d: %r" % (cid, r)
    types = [e.get("type") for e in r.json.get("items", [])]
    if not types or types[0] != "created" or "fact" not in types:
        return "case %d events %r, want created first and a fact" % (cid, types)
    r = client.get("/api/v1/cases/%d/facts" % cid)
    if r.status != 200:
        return "GET facts of %d: %r" % (cid, r)
    cur = {f.get("key"): f.get("value") for f in r.json.get("current", [])}
    if cur.get("crash.seq") != n:
        return "case %d facts %r, want crash.seq=%d" % (cid, cur, n)
    return None


def main():
    t0 = time.monotonic()
    deadline = t0 + DEADLINE - 25  # leave time for restart and verification
    checks = Checks()
    tmp = tempfile.mkdtemp(prefix="heed-crash-")
    db = os.path.join(tmp, "heed.db")
    log = os.path.join(tmp, "server.log")
    server = None
    try:
        token = add_agent(db, "crash@example.com", "Crash Tester", "admin")
        server = Server(db, log).start()
        acked, bad, lock, killed, threads = load(server.port, token, deadline)
        while time.monotonic() < deadline:
            with lock:
                n = len(acked)
            if n >= KILL_AFTER or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.002)
        in_flight = sum(t.is_alive() for t in threads)
        killed.set()
        server.proc.send_signal(signal.SIGKILL)
        server.kill()
        for t in threads:
            t.join(max(1.0, deadline + 10 - time.monotonic()))
        with lock:
            acked = dict(acked)
            bad = list(bad)
        print("crash: %d cases acknowledged, SIGKILL with %d writers still running (%.1fs)"
              % (len(acked), in_flight, time.monotonic() - t0), flush=True)
        checks.check(not bad, "non-201 answers before the kill: %s" % bad[:5])
        checks.check(len(acked) >= KILL_AFTER // 2,
                     "only %d cases acknowledged before the kill" % len(acked))
        checks.check(in_flight > 0, "the kill did not happen in the middle of traffic")

        server = Server(db, log).start()
        c = Client(server.port, token)
        for cid, (subject, n) in sorted(acked.items()):
            if time.monotonic() > t0 + DEADLINE - 5:
                checks.check(False, "out of time verifying cases")
                break
            why = verify(c, cid, subject, n)
            checks.check(why is None, why)
        r = c.post("/api/v1/cases", {"customer": {"identifiers": [
            {"kind": "email", "value": "after-crash@example.com"}]}, "subject": "after the crash"})
        checks.check(r.status == 201, "create after restart: %r" % r)
        r = c.get("/healthz")
        checks.check(r.status == 200, "healthz after restart: %r" % r)
        c.close()
        rc = server.stop()
        checks.check(rc == 0, "exit code %s after SIGTERM, want 0\n%s" % (rc, server.log_tail()))
        server = None
    except Exception as e:  # noqa: BLE001 - any setup error is one failure
        checks.check(False, "%s: %s" % (type(e).__name__, e))
        if server is not None:
            print(server.log_tail(), flush=True)
    finally:
        if server is not None:
            server.kill()
        if checks.failed == 0:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("crash: kept %s" % tmp)
    print("crash: finished in %.1fs" % (time.monotonic() - t0))
    print("crash: %d passed, %d failed" % (checks.passed, checks.failed), flush=True)
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
