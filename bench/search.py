#!/usr/bin/env python3
"""search.py - customer search latency at 100k+ customers (customer records).

    bench/search.py [--customers N] [--rounds R] [--bin build/heed]

Fills a database with N customers (default 100,000) with people's names,
an email, a phone and an account number each (`build/bench/fill --people`),
starts `heed serve` on it (its start puts the names into the name index and
says how long that took), then asks GET /api/v1/customers?q= for each kind
of query R times (default 30) over one keep-alive connection and prints the
median and p95 per kind as a markdown table.  The queries are drawn from the
filled data: a phone in three formats, an email in upper case with spaces,
an account number without its letters, a misspelt "first last", a last name
alone, and a first-name prefix as typed.  Needs build/heed and
build/bench/fill (`make bench-bin`).
"""

import argparse
import http.client
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def misspell(word, rng):
    """Swap two neighbouring letters (a transposition) or drop one."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "heed"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="heed-search-")
    db = os.path.join(tmp, "heed.db")
    fill = os.path.join(os.path.dirname(args.bin), "bench", "fill")
    print(subprocess.run([fill, "--db", db, "--cases", str(args.customers), "--customers",
                          str(args.customers), "--people"], check=True, capture_output=True,
                         text=True).stdout.strip())
    t0 = time.monotonic()  # the first open migrates and puts the names into the index
    subprocess.run([args.bin, "agent", "add", "--db", db, "--email", "bench@example.com", "--name",
                    "Bench", "--role", "admin", "--password-stdin"], input="bench password 1\n",
                   check=True, capture_output=True, text=True)
    index_s = time.monotonic() - t0
    token = subprocess.run([args.bin, "token", "create", "--db", db, "--email", "bench@example.com"],
                           check=True, capture_output=True, text=True).stdout.strip()
    rng = random.Random(7)
    con = sqlite3.connect(db)
    rows = con.execute("SELECT c.id, c.name, (SELECT value FROM customer_identifiers WHERE customer_id = c.id AND kind = 1),"
                       " (SELECT value FROM customer_identifiers WHERE customer_id = c.id AND kind = 2),"
                       " (SELECT value FROM customer_identifiers WHERE customer_id = c.id AND kind = 3)"
                       " FROM customers c ORDER BY random() LIMIT ?", (args.rounds,)).fetchall()
    con.close()
    log = open(os.path.join(tmp, "server.log"), "w")
    srv = subprocess.Popen([args.bin, "serve", "--db", db, "--listen", "127.0.0.1:0"],
                           stdout=subprocess.PIPE, stderr=log, text=True,
                           env=dict(os.environ, HEED_LOG_REQUESTS="0"))
    port = None
    for line in srv.stdout:
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        kinds = {
            "phone (+1 (NNN) NNN-NNNN)": lambda r: "+1 (%s) %s-%s" % (r[3][2:5], r[3][5:8], r[3][8:]),
            "phone (NNN.NNN.NNNN)": lambda r: "%s.%s.%s" % (r[3][2:5], r[3][5:8], r[3][8:]),
            "phone (digits)": lambda r: r[3][2:],
            "email (upper case, spaces)": lambda r: "  %s " % r[2].upper(),
            "account without letters": lambda r: r[4][2:],
            "misspelt first and last name": lambda r: " ".join(misspell(w, rng) for w in r[1].split()[:2]),
            "last name alone": lambda r: r[1].split()[-1],
            "first name prefix (as typed)": lambda r: r[1].split()[0][:3],
        }
        print("\n%d customers; first open (migrate + index every name) %.1f s\n" % (args.customers, index_s))
        print("| query | median ms | p95 ms | the customer in the first 50 | results (median) |")
        print("|---|---|---|---|---|")
        for label, make in kinds.items():
            times, found, counts = [], 0, []
            for r in rows:
                text = make(r)
                url = "/api/v1/customers?limit=50&q=" + urllib.parse.quote(text)
                t = time.perf_counter()
                conn.request("GET", url, headers={"Authorization": "Bearer " + token})
                resp = conn.getresponse()
                body = json.loads(resp.read())
                times.append((time.perf_counter() - t) * 1000)
                assert resp.status == 200, body
                ids = [c["id"] for c in body["items"]]
                found += r[0] in ids
                counts.append(len(ids))
            times.sort()
            print("| %s | %.2f | %.2f | %d/%d | %d |" % (
                label, statistics.median(times), times[int(len(times) * 0.95) - 1], found,
                len(rows), statistics.median(counts)))
    finally:
        srv.terminate()
        srv.wait(15)
        log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
