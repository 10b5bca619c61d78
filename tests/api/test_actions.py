"""Resolution powers against a real server: per-role limits (per case, and
per customer over the last 30 days), approvals by a supervisor, the audit
trail on the case, and webhooks to a real HTTP receiver on loopback that
checks each HMAC signature, can refuse the first N deliveries or hang, and
records what it got. The server's clock is moved (HEED_TEST_CLOCK_FILE) to
reach each retry.

What is shown:
  - within the limits an agent acts at once (201, done, the customer's
    line on the timeline); above them (per case, per month across two
    cases of one customer, or no policy for the role) the request waits
    (202) and the supervisors are alerted;
  - a supervisor approves (the action is executed) or declines with a note;
    nobody approves their own request, nor above their own role's limits;
    declined requests do not count against limits;
  - policies are validated; a webhook's secret is never returned;
  - a webhook is signed, retried until acknowledged with the same delivery
    id, its failure shown on the case and alerted to the requester; a
    hanging receiver times out; cancelling stops the retries; a restart in
    the middle of the retries still ends in exactly one acknowledgement;
  - bad input is refused precisely and changes nothing.
"""

import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness import Client, Server, ServerTest, unique

SECRET = "s3cret-for-the-billing-system"
SEC = 1000
MIN = 60 * SEC


class Receiver:
    """The company's system: a real HTTP server on 127.0.0.1 that checks
    Heed-Signature with `secret`, answers `fail_status` to the first
    `fail_first` deliveries (or sleeps `hang_s` before answering), then
    200; every request is kept in `got`."""

    def __init__(self, secret=SECRET):
        self.secret = secret
        self.fail_first = 0
        self.fail_status = 502
        self.hang_s = 0
        self.got = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                sig = self.headers.get("Heed-Signature", "")
                with outer.lock:
                    seen = len(outer.got)
                    hang, fail = outer.hang_s, seen < outer.fail_first
                    status = outer.fail_status if fail else 200
                    rec = {"delivery": self.headers.get("Heed-Delivery"), "sig_ok": outer.check(sig, body),
                           "ctype": self.headers.get("Content-Type"), "body": json.loads(body),
                           "status": status, "hung": bool(hang)}
                    outer.got.append(rec)
                if hang:
                    time.sleep(hang)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d/heed-hook" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def check(self, header, body):
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        if "t" not in parts or "v1" not in parts:
            return False
        want = hmac.new(self.secret.encode(), parts["t"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
        return hmac.compare_digest(want, parts["v1"]) and abs(int(parts["t"]) - time.time()) < 7 * 86400

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def of(self, action_id):
        with self.lock:
            return [g for g in self.got if g["body"]["action"]["id"] == action_id]


class ActionTest(ServerTest):
    """A server with a movable clock, a receiver, and demo-like policies."""

    @classmethod
    def server_env(cls):
        cls.clock_file = os.path.join(cls.tmp, "clock-offset")
        cls.offset = 0
        cls.write_clock()
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.stop)
        return {"HEED_TEST_CLOCK_FILE": cls.clock_file, "HEED_HOOK_TIMEOUT": "1"}

    @classmethod
    def write_clock(cls):
        tmp = cls.clock_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(cls.offset))
        os.replace(tmp, cls.clock_file)
        time.sleep(0.1)  # the server re-reads it every 20 ms

    @classmethod
    def advance(cls, ms):
        cls.offset += ms
        cls.write_clock()

    @classmethod
    def put_policy(cls, kind, doc):
        r = cls.admin.put("/api/v1/action-policies/" + kind, doc)
        assert r.status == 200, r
        return r.json

    def wait_for(self, what, fn, timeout=15.0):
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            last = fn()
            if last:
                return last
            time.sleep(0.1)
        self.fail("timed out waiting for %s (last: %r)" % (what, last))

    def act(self, case_id, body, client=None, status=None):
        r = (client or self.agent).post("/api/v1/cases/%d/actions" % case_id, body)
        if status is not None:
            self.assertStatus(r, status, "taking %r" % body)
        return r

    def action(self, action_id, case_id):
        for a in self.agent.get("/api/v1/cases/%d/actions" % case_id).json["items"]:
            if a["id"] == action_id:
                return a
        self.fail("action %d not on case %d" % (action_id, case_id))

    def events(self, case_id, type_=None):
        r = self.admin.get("/api/v1/cases/%d/events?limit=200" % case_id)
        self.assertStatus(r, 200)
        return [e for e in r.json["items"] if type_ is None or e["type"] == type_]

    def credit(self, amount, reason="billing error"):
        return {"kind": "credit", "amount": amount, "currency": "EUR", "reason": reason}


class Limits(ActionTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.put_policy("credit", {"currency": "EUR", "limits": {
            "agent": {"per_case": 2500, "per_month": 5000},
            "supervisor": {"per_case": 20000, "per_month": 50000}}})
        cls.put_policy("replacement", {"limits": {"supervisor": {"per_case": 3, "per_month": 10}}})

    def test_within_limit_acts_at_once(self):
        case = self.new_case()
        r = self.act(case["id"], dict(self.credit(1000), note="goodwill"), status=201)
        a = r.json
        self.assertEqual((a["state"], a["amount"], a["currency"], a["over"]), ("done", 1000, "EUR", None))
        self.assertEqual(a["requested_by"], self.ids["agent"])
        self.assertEqual(a["requested_role"], "agent")
        self.assertEqual(a["reason"], "billing error")
        self.assertEqual(a["note"], "goodwill")
        self.assertIsNone(a["delivery"])
        self.assertTime(a["done_at"])
        taken = self.events(case["id"], "action_taken")
        self.assertEqual(len(taken), 1)
        self.assertEqual(taken[0]["visibility"], "internal")
        self.assertEqual(taken[0]["author"]["id"], self.ids["agent"])
        self.assertIn("10.00 EUR", taken[0]["body"])
        self.assertIn("billing error", taken[0]["body"])
        self.assertEqual(taken[0]["data"]["amount"], 1000)
        done = self.events(case["id"], "action_done")
        self.assertEqual(len(done), 1)
        self.assertEqual(done[0]["visibility"], "public")
        self.assertEqual(done[0]["body"], "We credited 10.00 EUR to your account.")
        lst = self.agent.get("/api/v1/cases/%d/actions" % case["id"]).json
        self.assertEqual([x["id"] for x in lst["items"]], [a["id"]])
        allow = {x["kind"]: x for x in lst["allowance"]}
        self.assertEqual(allow["credit"]["left"], 1500)
        self.assertEqual(allow["credit"]["currency"], "EUR")
        self.assertFalse(allow["extend_subscription"]["policy"])
        sup = {x["kind"]: x for x in self.supervisor.get("/api/v1/cases/%d/actions" % case["id"]).json["allowance"]}
        self.assertEqual(sup["credit"]["left"], 19000)
        adm = {x["kind"]: x for x in self.admin.get("/api/v1/cases/%d/actions" % case["id"]).json["allowance"]}
        self.assertIsNone(adm["credit"]["left"], "admins are unlimited unless named")

    def test_above_per_case_waits_for_a_supervisor(self):
        case = self.new_case()
        self.act(case["id"], self.credit(2000), status=201)
        r = self.act(case["id"], self.credit(1000, "second refund"), status=202)
        a = r.json
        self.assertEqual((a["state"], a["over"]), ("pending_approval", "per_case"))
        req = self.events(case["id"], "action_requested")
        self.assertEqual(len(req), 1)
        self.assertEqual(req[0]["visibility"], "internal")
        self.assertIn("second refund", req[0]["body"])
        self.assertEqual(self.events(case["id"], "action_done")[-1]["body"],
                         "We credited 20.00 EUR to your account.", "the pending one is not told")
        alerts = self.supervisor.get("/api/v1/alerts?case_id=%d" % case["id"]).json["items"]
        self.assertEqual([(x["kind"], x["to"]) for x in alerts], [("approval_requested", "supervisors")])
        pend = self.list_all("/api/v1/approvals?state=pending", self.supervisor)
        self.assertIn(a["id"], [x["id"] for x in pend])
        # the pending request counts: even 1 more cent waits
        self.assertEqual(self.act(case["id"], self.credit(1)).json["over"], "per_case")

    def test_above_per_month_across_two_cases_of_one_customer(self):
        cust = self.new_customer(("email", unique("m") + "@example.com"))
        c1, c2, c3 = (self.new_case(cust["id"], subject=s) for s in ("bill 1", "bill 2", "bill 3"))
        self.act(c1["id"], self.credit(2500), status=201)
        self.act(c2["id"], self.credit(2500), status=201)
        r = self.act(c3["id"], self.credit(100), status=202)
        self.assertEqual(r.json["over"], "per_month")
        allow = {x["kind"]: x for x in self.agent.get("/api/v1/cases/%d/actions" % c3["id"]).json["allowance"]}
        self.assertEqual(allow["credit"]["left"], 0)
        # another customer is not affected
        self.act(self.new_case()["id"], self.credit(2500), status=201)

    def test_a_merged_duplicate_brings_its_credits_to_the_monthly_limit(self):
        """Two records of one person: the credits on the duplicate count once
        it is merged, so splitting across records does not lift the limit."""
        keep = self.new_customer(("email", unique("k") + "@example.com"))
        dup = self.new_customer(("email", unique("d") + "@example.com"))
        on_dup = self.new_case(dup["id"], subject="credit on the duplicate")
        self.act(on_dup["id"], self.credit(2500), status=201)
        on_keep = self.new_case(keep["id"], subject="credit on the record kept")
        self.act(on_keep["id"], self.credit(2500), status=201)
        r = self.agent.post("/api/v1/customers/%d/merge" % keep["id"], {"from_id": dup["id"]})
        self.assertStatus(r, 200)
        later = self.new_case(keep["id"], subject="one more credit")
        r = self.act(later["id"], self.credit(100), status=202)
        self.assertEqual(r.json["over"], "per_month")

    def test_no_policy_for_the_role_needs_approval_for_any_amount(self):
        case = self.new_case()
        body = {"kind": "extend_subscription", "days": 1, "reason": "outage"}
        r = self.act(case["id"], body, status=202)
        self.assertEqual((r.json["over"], r.json["days"], r.json["amount"]), ("no_policy", 1, None))
        r = self.act(case["id"], body, client=self.supervisor, status=202)
        r = self.act(case["id"], dict(body, days=30), client=self.admin, status=201)
        self.assertEqual(r.json["state"], "done")
        self.assertEqual(self.events(case["id"], "action_done")[-1]["body"],
                         "We extended your subscription by 30 days.")

    def test_approve_executes_and_tells_the_requester(self):
        case = self.new_case()
        a = self.act(case["id"], self.credit(3000, "double charge"), status=202).json
        r = self.supervisor.post("/api/v1/actions/%d/approve" % a["id"], {"note": "ok, known bug"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["state"], r.json["decided_by"], r.json["decision_note"]),
                         ("done", self.ids["supervisor"], "ok, known bug"))
        self.assertTime(r.json["decided_at"])
        appr = self.events(case["id"], "action_approved")
        self.assertEqual(len(appr), 1)
        self.assertEqual(appr[0]["author"]["id"], self.ids["supervisor"])
        self.assertEqual(appr[0]["data"]["requested_by"], self.ids["agent"])
        self.assertEqual(self.events(case["id"], "action_done")[-1]["body"],
                         "We credited 30.00 EUR to your account.")
        mine = self.agent.get("/api/v1/alerts?case_id=%d" % case["id"]).json["items"]
        self.assertIn(("action_decided", self.ids["agent"]), [(x["kind"], x["to"]) for x in mine])
        self.assertError(self.supervisor.post("/api/v1/actions/%d/approve" % a["id"], {}), 409, "conflict")
        self.assertNotIn(a["id"], [x["id"] for x in self.list_all("/api/v1/approvals", self.supervisor)])

    def test_nobody_approves_their_own_request(self):
        case = self.new_case()
        body = {"kind": "replacement", "item": "Router X2", "quantity": 4, "reason": "dead on arrival"}
        a = self.act(case["id"], body, client=self.supervisor, status=202).json
        self.assertEqual((a["over"], a["quantity"], a["item"]), ("per_case", 4, "Router X2"))
        err = self.assertError(self.supervisor.post("/api/v1/actions/%d/approve" % a["id"], {}), 403, "forbidden")
        self.assertEqual(err["reason"], "own_request")
        self.assertEqual(self.action(a["id"], case["id"])["state"], "pending_approval")
        r = self.admin.post("/api/v1/actions/%d/approve" % a["id"], {})
        self.assertStatus(r, 200)
        self.assertEqual(self.events(case["id"], "action_done")[-1]["body"],
                         "We are sending you a replacement: 4 x Router X2.")

    def test_above_the_approvers_own_limit_needs_an_admin(self):
        case = self.new_case()
        a = self.act(case["id"], self.credit(25000), status=202).json
        err = self.assertError(self.supervisor.post("/api/v1/actions/%d/approve" % a["id"], {}), 403, "forbidden")
        self.assertEqual(err["reason"], "over_your_limit")
        self.assertStatus(self.admin.post("/api/v1/actions/%d/approve" % a["id"], {}), 200)

    def test_decline_needs_a_note_and_frees_the_limit(self):
        case = self.new_case()
        a = self.act(case["id"], self.credit(3000), status=202).json
        for body in ({}, {"note": "   "}):
            self.assertError(self.supervisor.post("/api/v1/actions/%d/decline" % a["id"], body),
                             422, "invalid_value", "note")
        self.assertEqual(self.action(a["id"], case["id"])["state"], "pending_approval")
        r = self.supervisor.post("/api/v1/actions/%d/decline" % a["id"], {"note": "not our fault"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["state"], r.json["decision_note"]), ("declined", "not our fault"))
        dec = self.events(case["id"], "action_declined")
        self.assertEqual(len(dec), 1)
        self.assertIn("not our fault", dec[0]["body"])
        self.assertEqual(self.events(case["id"], "action_done"), [], "nothing told to the customer")
        # declined requests do not count: the whole per-case limit is there
        self.act(case["id"], self.credit(2500), status=201)

    def test_cancel_a_pending_request(self):
        case = self.new_case()
        a = self.act(case["id"], self.credit(9000), status=202).json
        self.assertError(self.agent.post("/api/v1/actions/%d/cancel" % a["id"], {}), 400, "bad_request", "reason")
        r = self.agent.post("/api/v1/actions/%d/cancel" % a["id"], {"reason": "customer changed mind"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["state"], "cancelled")
        self.assertEqual(len(self.events(case["id"], "action_cancelled")), 1)
        self.assertError(self.supervisor.post("/api/v1/actions/%d/approve" % a["id"], {}), 409, "conflict")
        self.assertError(self.agent.post("/api/v1/actions/%d/cancel" % a["id"], {"reason": "x"}), 409, "conflict")
        self.act(case["id"], self.credit(2500), status=201)

    def test_closed_case_refuses(self):
        case = self.new_case()
        for status in ("resolved", "closed"):
            self.assertStatus(self.admin.patch("/api/v1/cases/%d" % case["id"], {"status": status}), 200)
        err = self.assertError(self.act(case["id"], self.credit(100)), 409, "conflict")
        self.assertEqual(err["reason"], "case_closed")


class Policies(ActionTest):
    def test_unconfigured_policies_are_listed(self):
        r = self.agent.get("/api/v1/action-policies")
        self.assertStatus(r, 200)
        kinds = [p["kind"] for p in r.json["items"]]
        self.assertEqual(kinds, ["credit", "waive_fee", "replacement", "extend_subscription"])

    def test_validation(self):
        good = {"currency": "EUR", "limits": {"agent": {"per_case": 100, "per_month": 200}}}
        before = self.admin.get("/api/v1/action-policies").json

        def put(kind, doc):
            return lambda: self.admin.put("/api/v1/action-policies/" + kind, doc)

        self.assertErrors([
            ("unknown kind", put("refund_everything", good), 404, "not_found", "kind"),
            ("negative per_case", put("credit", {"currency": "EUR", "limits": {"agent": {"per_case": -1}}}),
             422, "invalid_value", "limits.agent.per_case"),
            ("fractional per_month", put("credit", {"currency": "EUR", "limits": {"agent": {"per_month": 1.5}}}),
             422, "invalid_value", "limits.agent.per_month"),
            ("string limit", put("credit", {"currency": "EUR", "limits": {"agent": {"per_case": "10"}}}),
             422, "invalid_value", "limits.agent.per_case"),
            ("unknown role", put("credit", {"currency": "EUR", "limits": {"intern": {"per_case": 1}}}),
             422, "invalid_value", "limits"),
            ("unknown limit", put("credit", {"currency": "EUR", "limits": {"agent": {"per_week": 1}}}),
             422, "invalid_value", "limits.agent.per_week"),
            ("no currency", put("credit", {"limits": {}}), 422, "invalid_value", "currency"),
            ("bad currency", put("credit", dict(good, currency="euro")), 422, "invalid_value", "currency"),
            ("currency on days", put("extend_subscription", {"currency": "EUR"}), 422, "invalid_value", "currency"),
            ("ftp url", put("credit", dict(good, webhook={"url": "ftp://example.com/x", "secret": SECRET})),
             422, "invalid_value", "webhook.url"),
            ("not a url", put("credit", dict(good, webhook={"url": "billing system", "secret": SECRET})),
             422, "invalid_value", "webhook.url"),
            ("no host", put("credit", dict(good, webhook={"url": "http://", "secret": SECRET})),
             422, "invalid_value", "webhook.url"),
            ("short secret", put("credit", dict(good, webhook={"url": "http://127.0.0.1:9/x", "secret": "short"})),
             422, "invalid_value", "webhook.secret"),
            ("no secret", put("credit", dict(good, webhook={"url": "http://127.0.0.1:9/x"})),
             422, "invalid_value", "webhook.secret"),
            ("unknown member", put("credit", dict(good, limitz={})), 422, "invalid_value", "limitz"),
            ("kind differs", put("credit", dict(good, kind="waive_fee")), 422, "invalid_value", "kind"),
            ("not an object", lambda: self.admin.put("/api/v1/action-policies/credit", [1]),
             400, "bad_request", None),
            ("malformed", lambda: self.admin.request("PUT", "/api/v1/action-policies/credit", raw=b"{\"currency\":"),
             400, "bad_request", None),
        ])
        self.assertEqual(self.admin.get("/api/v1/action-policies").json, before, "nothing changed")

    def test_secret_is_never_returned_and_kept_when_omitted(self):
        r = self.admin.put("/api/v1/action-policies/waive_fee", {
            "currency": "EUR", "limits": {"agent": {"per_case": 1000, "per_month": None}},
            "webhook": {"url": "http://127.0.0.1:9/hook", "secret": SECRET}})
        self.assertStatus(r, 200)
        self.assertNotIn(SECRET.encode(), r.raw)
        self.assertEqual(r.json["webhook"], {"url": "http://127.0.0.1:9/hook", "has_secret": True})
        self.assertEqual(r.json["limits"]["agent"], {"per_case": 1000, "per_month": None})
        self.assertIsNone(r.json["limits"]["supervisor"])
        self.assertEqual(r.json["limits"]["admin"], {"per_case": None, "per_month": None})
        for c in (self.agent, self.supervisor, self.admin):
            g = c.get("/api/v1/action-policies")
            self.assertStatus(g, 200)
            self.assertNotIn(SECRET.encode(), g.raw)
        # a new URL without a secret keeps the stored secret
        r = self.admin.put("/api/v1/action-policies/waive_fee", {
            "currency": "EUR", "webhook": {"url": "http://127.0.0.1:9/other"}})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["webhook"], {"url": "http://127.0.0.1:9/other", "has_secret": True})
        r = self.admin.put("/api/v1/action-policies/waive_fee", {"currency": "EUR", "webhook": None})
        self.assertIsNone(r.json["webhook"])

    def test_roles(self):
        for c in (self.agent, self.supervisor):
            self.assertError(c.put("/api/v1/action-policies/credit", {"currency": "EUR"}), 403, "forbidden")
        self.assertError(self.agent.get("/api/v1/approvals"), 403, "forbidden")
        self.assertError(self.agent.post("/api/v1/actions/1/approve", {}), 403, "forbidden")
        self.assertError(self.agent.post("/api/v1/actions/1/decline", {"note": "x"}), 403, "forbidden")
        self.assertError(self.anon.get("/api/v1/cases/1/actions"), 401, "unauthorized")

    def test_bad_input_changes_nothing(self):
        self.put_policy("credit", {"currency": "EUR", "limits": {"agent": {"per_case": 2500}}})
        case = self.new_case()
        cid = case["id"]
        path = "/api/v1/cases/%d/actions" % cid
        ok = {"kind": "credit", "amount": 100, "currency": "EUR", "reason": "r"}
        self.assertErrors([
            ("malformed JSON", lambda: self.agent.request("POST", path, raw=b"{\"kind\": "), 400, "bad_request", None),
            ("unknown case", lambda: self.agent.post("/api/v1/cases/99999999/actions", ok), 404, "not_found", None),
            ("bad case id", lambda: self.agent.post("/api/v1/cases/x/actions", ok), 404, "not_found", None),
            ("no kind", lambda: self.agent.post(path, dict(ok, kind=None)), 400, "bad_request", "kind"),
            ("unknown kind", lambda: self.agent.post(path, dict(ok, kind="refund")), 422, "invalid_value", "kind"),
            ("no reason", lambda: self.agent.post(path, dict(ok, reason=None)), 400, "bad_request", "reason"),
            ("blank reason", lambda: self.agent.post(path, dict(ok, reason="  ")), 422, "invalid_value", "reason"),
            ("long reason", lambda: self.agent.post(path, dict(ok, reason="x" * 501)), 422, "invalid_value", "reason"),
            ("long note", lambda: self.agent.post(path, dict(ok, note="x" * 2001)), 422, "invalid_value", "note"),
            ("amount string", lambda: self.agent.post(path, dict(ok, amount="100")), 400, "bad_request", "amount"),
            ("negative amount", lambda: self.agent.post(path, dict(ok, amount=-100)), 422, "invalid_value", "amount"),
            ("zero amount", lambda: self.agent.post(path, dict(ok, amount=0)), 422, "invalid_value", "amount"),
            ("huge amount", lambda: self.agent.post(path, dict(ok, amount=10 ** 15)), 422, "invalid_value", "amount"),
            ("no currency", lambda: self.agent.post(path, dict(ok, currency=None)), 422, "invalid_value", "currency"),
            ("other currency", lambda: self.agent.post(path, dict(ok, currency="USD")), 422, "invalid_value", "currency"),
            ("days on credit", lambda: self.agent.post(path, dict(ok, days=3)), 422, "invalid_value", "days"),
            ("no item", lambda: self.agent.post(path, {"kind": "replacement", "quantity": 1, "reason": "r"}),
             422, "invalid_value", "item"),
            ("long item", lambda: self.agent.post(path, {"kind": "replacement", "item": "x" * 201, "quantity": 1,
                                                         "reason": "r"}), 422, "invalid_value", "item"),
            ("too many", lambda: self.agent.post(path, {"kind": "replacement", "item": "cable", "quantity": 1001,
                                                        "reason": "r"}), 422, "invalid_value", "quantity"),
            ("no days", lambda: self.agent.post(path, {"kind": "extend_subscription", "reason": "r"}),
             422, "invalid_value", "days"),
            ("unknown action approve", lambda: self.supervisor.post("/api/v1/actions/99999999/approve", {}),
             404, "not_found", None),
            ("unknown action decline", lambda: self.supervisor.post("/api/v1/actions/99999999/decline",
                                                                    {"note": "n"}), 404, "not_found", None),
            ("unknown action cancel", lambda: self.agent.post("/api/v1/actions/99999999/cancel", {"reason": "r"}),
             404, "not_found", None),
            ("bad approvals state", lambda: self.supervisor.get("/api/v1/approvals?state=maybe"),
             422, "invalid_value", "state"),
            ("unknown case list", lambda: self.agent.get("/api/v1/cases/99999999/actions"), 404, "not_found", None),
        ])
        r = self.agent.get(path)
        self.assertEqual(r.json["items"], [])
        self.assertEqual([e for e in self.events(cid) if e["type"].startswith("action")], [])


class Webhooks(ActionTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.put_policy("waive_fee", {"currency": "EUR", "limits": {"agent": {"per_case": 100000}},
                                     "webhook": {"url": cls.receiver.url, "secret": SECRET}})

    def setUp(self):
        with self.receiver.lock:
            self.receiver.fail_first = len(self.receiver.got)
            self.receiver.hang_s = 0

    def fail_next(self, n):
        with self.receiver.lock:
            self.receiver.fail_first = len(self.receiver.got) + n

    def waive(self, case_id, amount=500):
        r = self.act(case_id, {"kind": "waive_fee", "amount": amount, "currency": "EUR",
                               "reason": "late fee in error"}, status=201)
        self.assertEqual(r.json["state"], "sending")
        self.assertEqual(r.json["delivery"]["state"], "pending")
        return r.json

    def test_signed_delivery_acknowledged(self):
        case = self.new_case()
        a = self.waive(case["id"])
        got = self.wait_for("a delivery", lambda: self.receiver.of(a["id"]))
        self.assertEqual(len(got), 1)
        g = got[0]
        self.assertTrue(g["sig_ok"], "HMAC-SHA256 of t.body with the secret")
        self.assertEqual(g["ctype"], "application/json")
        self.assertEqual(g["delivery"], str(a["delivery"]["id"]))
        body = g["body"]["action"]
        self.assertEqual((body["kind"], body["amount"], body["currency"], body["case_id"], body["reason"]),
                         ("waive_fee", 500, "EUR", case["id"], "late fee in error"))
        done = self.wait_for("done", lambda: self.action(a["id"], case["id"])["state"] == "done" and
                             self.action(a["id"], case["id"]))
        self.assertEqual(done["delivery"]["state"], "acknowledged")
        self.assertEqual(done["delivery"]["attempts"], 1)
        self.assertIsNone(done["delivery"]["next_attempt_at"])
        self.assertEqual([e["body"] for e in self.events(case["id"], "action_done")], ["We waived a fee of 5.00 EUR."])
        self.assertEqual(len(self.events(case["id"], "action_delivered")), 1)
        self.assertEqual(self.events(case["id"], "action_delivery_failed"), [])

    def test_retried_until_acknowledged_with_the_same_id(self):
        self.fail_next(3)
        case = self.new_case()
        a = self.waive(case["id"], 700)
        self.wait_for("first attempt recorded",
                      lambda: self.action(a["id"], case["id"])["delivery"]["attempts"] == 1)
        cur = self.action(a["id"], case["id"])
        self.assertEqual(cur["state"], "sending")
        self.assertEqual(cur["delivery"]["last_error"], "HTTP 502")
        self.assertTime(cur["delivery"]["next_attempt_at"])
        failed = self.events(case["id"], "action_delivery_failed")
        self.assertEqual(len(failed), 1)
        self.assertIn("did not acknowledge", failed[0]["body"])
        self.assertIn("HTTP 502", failed[0]["body"])
        alerts = self.agent.get("/api/v1/alerts?case_id=%d" % case["id"]).json["items"]
        self.assertIn(("delivery_failed", self.ids["agent"]), [(x["kind"], x["to"]) for x in alerts])
        self.assertEqual(self.events(case["id"], "action_done"), [], "not done until acknowledged")
        time.sleep(1)
        self.assertEqual(len(self.receiver.of(a["id"])), 1, "no retry before 10 s")
        for n, wait in ((2, 10 * SEC), (3, 30 * SEC), (4, MIN)):
            self.advance(wait)
            self.wait_for("attempt %d" % n,
                          lambda: self.action(a["id"], case["id"])["delivery"]["attempts"] == n)
        got = self.receiver.of(a["id"])
        self.assertEqual([g["status"] for g in got], [502, 502, 502, 200])
        self.assertEqual({g["delivery"] for g in got}, {str(a["delivery"]["id"])})
        self.assertTrue(all(g["sig_ok"] for g in got))
        self.assertEqual(len({json.dumps(g["body"], sort_keys=True) for g in got}), 1, "the same body")
        done = self.action(a["id"], case["id"])
        self.assertEqual((done["state"], done["delivery"]["state"]), ("done", "acknowledged"))
        self.assertIsNone(done["delivery"]["last_error"])
        self.assertEqual(len(self.events(case["id"], "action_delivery_failed")), 1, "the timeline says it once")
        delivered = self.events(case["id"], "action_delivered")
        self.assertEqual(len(delivered), 1)
        self.assertIn("attempt 4", delivered[0]["body"])
        self.advance(20 * MIN)
        time.sleep(1)
        self.assertEqual(len(self.receiver.of(a["id"])), 4, "nothing after the acknowledgement")

    def test_hanging_receiver_times_out(self):
        with self.receiver.lock:
            self.receiver.hang_s = 3
        self.fail_next(1)
        case = self.new_case()
        a = self.waive(case["id"])
        cur = self.wait_for("timed out attempt",
                            lambda: (lambda x: x["delivery"]["attempts"] == 1 and x)(self.action(a["id"], case["id"])))
        with self.receiver.lock:
            self.receiver.hang_s = 0
        self.assertIn("timed out", cur["delivery"]["last_error"].lower())
        self.assertEqual(cur["state"], "sending")
        self.advance(10 * SEC)
        self.wait_for("done", lambda: self.action(a["id"], case["id"])["state"] == "done")

    def test_cancel_stops_retries(self):
        self.fail_next(1000)
        case = self.new_case()
        a = self.waive(case["id"])
        self.wait_for("first attempt", lambda: self.action(a["id"], case["id"])["delivery"]["attempts"] == 1)
        r = self.agent.post("/api/v1/actions/%d/cancel" % a["id"], {"reason": "done by hand in billing"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["state"], r.json["delivery"]["state"]), ("cancelled", "cancelled"))
        self.assertIn("never acknowledged", self.events(case["id"], "action_cancelled")[0]["body"])
        self.advance(16 * MIN)
        time.sleep(1.5)
        self.assertEqual(len(self.receiver.of(a["id"])), 1)
        self.assertEqual(self.action(a["id"], case["id"])["state"], "cancelled")


class WebhookRestart(ActionTest):
    """Stop heed between two attempts; the next start delivers, once."""

    def test_restart_mid_retry_delivers_exactly_once(self):
        self.put_policy("credit", {"currency": "EUR", "limits": {"agent": {"per_case": 5000}},
                                   "webhook": {"url": self.receiver.url, "secret": SECRET}})
        with self.receiver.lock:
            self.receiver.fail_first = 2
        case = self.new_case()
        a = self.act(case["id"], self.credit(1200), status=201).json
        self.wait_for("first attempt", lambda: self.action(a["id"], case["id"])["delivery"]["attempts"] == 1)
        for c in ("admin", "supervisor", "agent", "anon"):
            getattr(self, c).close()
        self.assertEqual(self.server.stop(), 0)
        self.advance(10 * SEC)  # the second attempt falls due while heed is down
        type(self).server = Server(self.db, os.path.join(self.tmp, "server.log"), self.server_env_again()).start()
        port = self.server.port
        for role in ("admin", "supervisor", "agent"):
            setattr(type(self), role, Client(port, self.tokens[role]))
        type(self).anon = Client(port, "")
        self.wait_for("second attempt", lambda: self.action(a["id"], case["id"])["delivery"]["attempts"] == 2)
        self.advance(30 * SEC)
        self.wait_for("done", lambda: self.action(a["id"], case["id"])["state"] == "done")
        self.advance(30 * MIN)
        time.sleep(1.5)
        got = self.receiver.of(a["id"])
        self.assertEqual([g["status"] for g in got], [502, 502, 200], "acknowledged exactly once")
        self.assertEqual({g["delivery"] for g in got}, {str(a["delivery"]["id"])})
        self.assertEqual(len(self.events(case["id"], "action_delivered")), 1)
        self.assertEqual(len(self.events(case["id"], "action_done")), 1)

    @classmethod
    def server_env_again(cls):
        return {"HEED_TEST_CLOCK_FILE": cls.clock_file, "HEED_HOOK_TIMEOUT": "1"}
