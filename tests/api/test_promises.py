"""Promises, SLA clocks, the status page and the follow-up, against a real
server whose clock the tests set and move (HEED_TEST_CLOCK_FILE holds
milliseconds added to its wall clock; setting it to target - now pins the
server at a chosen instant), with a real SMTP server on loopback
(aiosmtpd) receiving what heed sends.

What is shown:
  - the time offered comes from stated defaults until there is history; a
    shorter promise needs confirming and both are recorded;
  - the owner is warned at 75%, the customer told at 90% (email and status
    page) with an honest new time, a supervisor alerted at the due time,
    the promise broken and followed by one for the new time - in that order;
  - only an event keeps a promise, never time passing;
  - stop heed, move past every deadline, start it: each fires once, in
    order, and a second restart fires nothing;
  - SLA targets count business hours on a calendar with a time zone and a
    holiday, across a weekend and a DST change; waiting on the customer
    pauses the clock; a breach escalates (alert, priority, reassignment);
  - the status page shows public things only; its link can be rotated and
    revoked; the customer writes from it;
  - one follow-up per case, sent by heed a day after resolution, "No"
    reopens to the same owner; a second case inside the cooldown is not
    asked;
  - no second ticket for the same problem; a quiet open case alerts.
"""

import calendar
import email
import email.policy
import os
import socket
import threading
import time
from datetime import datetime, timezone

from aiosmtpd.controller import Controller

from harness import ServerTest, Server, Client, unique

MIN = 60000
HOUR = 60 * MIN


def ms_of(iso):
    """Milliseconds since the epoch of an RFC 3339 UTC time."""
    iso = iso.replace("Z", "+00:00")
    return int(datetime.fromisoformat(iso).timestamp() * 1000)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Inbox:
    """aiosmtpd handler keeping every message."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK queued"

    def to(self, addr):
        with self.lock:
            return [m for rcpt, m in self.messages if addr in rcpt]


def body_of(msg):
    return msg.get_body(preferencelist=("plain",)).get_content()


class ClockTest(ServerTest):
    """A server with a settable clock and a loopback SMTP server."""

    START = "2026-11-23T10:00:00Z"

    @classmethod
    def server_env(cls):
        cls.clock_file = os.path.join(cls.tmp, "clock-offset")
        cls.set_now(cls.START)
        cls.inbox = Inbox()
        cls.smtp_port = free_port()
        cls.smtp = Controller(cls.inbox, hostname="127.0.0.1", port=cls.smtp_port)
        cls.smtp.start()
        cls.addClassCleanup(cls.smtp.stop)
        return {"HEED_TEST_CLOCK_FILE": cls.clock_file,
                "HEED_SMTP_URL": "smtp://127.0.0.1:%d" % cls.smtp_port,
                "HEED_MAIL_FROM": "help@heed.test",
                "HEED_PUBLIC_URL": "https://help.example.test"}

    @classmethod
    def set_now(cls, iso_or_ms):
        """Pin the server's clock at this instant (it runs on from there)."""
        target = ms_of(iso_or_ms) if isinstance(iso_or_ms, str) else iso_or_ms
        cls.offset = target - int(time.time() * 1000)
        tmp = cls.clock_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(cls.offset))
        os.replace(tmp, cls.clock_file)
        time.sleep(0.1)  # the server re-reads the file every 20 ms

    @classmethod
    def now(cls):
        return int(time.time() * 1000) + cls.offset

    @classmethod
    def advance(cls, ms):
        cls.set_now(cls.now() + ms)

    def wait_for(self, what, fn, timeout=10.0):
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            last = fn()
            if last:
                return last
            time.sleep(0.1)
        self.fail("timed out waiting for %s; last: %r" % (what, last))

    def events(self, case_id, client=None):
        return self.list_all("/api/v1/cases/%d/events" % case_id, client)

    def types(self, case_id):
        """Event types; an alert's event is "alert:KIND"."""
        return [e["type"] + (":" + e["data"]["kind"] if e["type"] == "alert" else "")
                for e in self.events(case_id)]

    def promises(self, case_id):
        r = self.agent.get("/api/v1/cases/%d/promises" % case_id)
        self.assertStatus(r, 200)
        return r.json["items"]

    def alerts(self, client, case_id):
        r = client.get("/api/v1/alerts?case_id=%d" % case_id)
        self.assertStatus(r, 200)
        return r.json["items"]

    def customer_case(self, subject, owner="agent", **extra):
        addr = unique("cust") + "@example.com"
        cust = self.new_customer(("email", addr), name="Ada Byron")
        body = dict(extra)
        if owner:
            body["owner_id"] = self.ids[owner]
        c = self.new_case(cust["id"], subject=subject, **body)
        return c, addr

    def quiet(self, seconds=1.0):
        """Let the scheduler poll a few times."""
        time.sleep(seconds)


class Promises(ClockTest):
    def test_proposal_defaults_and_confirming_a_shorter_time(self):
        c, _ = self.customer_case("Proposal check")
        r = self.agent.get("/api/v1/promises/proposal?case_id=%d&kind=callback" % c["id"])
        self.assertStatus(r, 200)
        self.assertEqual((r.json["minutes"], r.json["basis"], r.json["samples"]),
                         (120, "default", 0))
        self.assertEqual(self.agent.get("/api/v1/promises/proposal?case_id=%d&kind=fix"
                                        % c["id"]).json["minutes"], 72 * 60)
        path = "/api/v1/cases/%d/promises" % c["id"]
        err = self.assertError(self.agent.post(path, {"kind": "callback", "in_minutes": 30}),
                               409, "conflict", "due_at")
        self.assertEqual(err["reason"], "shorter_than_estimate")
        self.assertIn("120 min", err["message"])
        self.assertEqual(self.promises(c["id"]), [], "a refused promise was stored")
        r = self.agent.post(path, {"kind": "callback", "in_minutes": 30, "confirm_short": True})
        self.assertStatus(r, 201)
        p = r.json
        self.assertEqual((p["state"], p["short_confirmed"], p["proposed_minutes"], p["channel"],
                          p["owner_id"], p["made_by"]),
                         ("pending", True, 120, "phone", self.ids["agent"],
                          {"kind": "agent", "id": self.ids["agent"]}))
        self.assertAlmostEqual(ms_of(p["due_at"]) - ms_of(p["created_at"]), 30 * MIN, delta=1000)
        r = self.agent.post(path, {"kind": "reply", "in_minutes": 300})
        self.assertStatus(r, 201)
        self.assertFalse(r.json["short_confirmed"])

    def test_bad_input(self):
        c, _ = self.customer_case("Bad promise input")
        path = "/api/v1/cases/%d/promises" % c["id"]
        future = datetime.fromtimestamp((self.now() + 5 * HOUR) / 1000, timezone.utc)
        iso = future.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.assertErrors([
            ("unknown kind", lambda: self.agent.post(path, {"kind": "teleport", "in_minutes": 500}),
             422, "invalid_value", "kind"),
            ("both times", lambda: self.agent.post(path, {"kind": "fix", "in_minutes": 5000,
                                                          "due_at": iso}), 400, "bad_request", "due_at"),
            ("no time", lambda: self.agent.post(path, {"kind": "fix"}), 400, "bad_request", "due_at"),
            ("past", lambda: self.agent.post(path, {"kind": "fix", "due_at": "2020-01-01T00:00:00Z"}),
             422, "invalid_value", "due_at"),
            ("not a time", lambda: self.agent.post(path, {"kind": "fix", "due_at": "tomorrow"}),
             422, "invalid_value", "due_at"),
            ("bad channel", lambda: self.agent.post(path, {"kind": "reply", "in_minutes": 600,
                                                           "channel": "pigeon"}),
             422, "invalid_value", "channel"),
            ("no owner", lambda: self.agent.post(path, {"kind": "reply", "in_minutes": 600,
                                                        "owner_id": 9999}),
             422, "invalid_value", "owner_id"),
            ("unknown case", lambda: self.agent.post("/api/v1/cases/99999/promises",
                                                     {"kind": "reply", "in_minutes": 600}),
             404, "not_found", None),
            ("cancel without reason", lambda: self.agent.post("/api/v1/promises/1/cancel", {}),
             400, "bad_request", "reason"),
            ("unknown promise", lambda: self.agent.post("/api/v1/promises/99999/cancel",
                                                        {"reason": "x"}), 404, "not_found", None),
        ])
        self.assertEqual(self.promises(c["id"]), [])
        r = self.agent.post(path, {"kind": "reply", "in_minutes": 600})
        self.assertStatus(r, 201)
        pid = r.json["id"]
        r = self.agent.post("/api/v1/promises/%d/cancel" % pid, {"reason": "customer withdrew"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["state"], r.json["reason"]), ("cancelled", "customer withdrew"))
        err = self.assertError(self.agent.post("/api/v1/promises/%d/cancel" % pid, {"reason": "x"}),
                               409, "conflict")
        self.assertEqual(err["reason"], "not_pending")
        self.assertHealthy()

    def test_warned_told_broken_in_order_then_kept_by_a_call(self):
        self.set_now("2026-11-24T10:00:00Z")
        c, addr = self.customer_case("Router keeps dropping")
        cid = c["id"]
        r = self.agent.post("/api/v1/cases/%d/promises" % cid, {"kind": "callback", "in_minutes": 120})
        self.assertStatus(r, 201)
        p = r.json
        made = ms_of(p["created_at"])

        self.set_now(made + 89 * MIN)
        self.quiet()
        self.assertEqual(self.alerts(self.agent, cid), [], "warned before 75%")

        self.set_now(made + 91 * MIN)  # 75% of 120 min is 90
        a = self.wait_for("the owner's warning", lambda: self.alerts(self.agent, cid))
        self.assertEqual([x["kind"] for x in a], ["promise_warning"])
        self.assertEqual(a[0]["to"], self.ids["agent"])
        self.assertNotIn("promise_at_risk", self.types(cid))
        self.assertIn("alert:promise_warning", self.types(cid), "the warning is on the timeline")
        self.assertEqual(self.inbox.to(addr), [], "the customer was told before 90%")

        self.set_now(made + 109 * MIN)  # 90% is 108
        mail = self.wait_for("the customer's notice", lambda: self.inbox.to(addr))
        self.assertEqual(len(mail), 1)
        self.assertIn("An update on our promise", mail[0]["Subject"])
        text = body_of(mail[0])
        self.assertIn("Our honest new time is", text)
        self.assertIn("https://help.example.test/status/#", text)
        now_p = self.promises(cid)[0]
        self.assertEqual(now_p["state"], "pending", "at risk is not broken")
        revised = ms_of(now_p["revised_due_at"])
        self.assertGreaterEqual(revised, ms_of(p["due_at"]) + 30 * MIN)
        self.assertAlmostEqual(revised, made + 109 * MIN + 120 * MIN, delta=5000)
        risk = [e for e in self.events(cid) if e["type"] == "promise_at_risk"]
        self.assertEqual((len(risk), risk[0]["visibility"]), (1, "public"))

        self.set_now(made + 121 * MIN)
        self.wait_for("the breach", lambda: "promise_broken" in self.types(cid))
        ps = self.wait_for("the successor", lambda: len(self.promises(cid)) == 2 and self.promises(cid))
        self.assertEqual([x["state"] for x in ps], ["broken", "pending"])
        self.assertEqual(ps[1]["replaces_id"], ps[0]["id"])
        self.assertEqual(ps[1]["due_at"], now_p["revised_due_at"])
        self.assertEqual(ps[1]["made_by"]["kind"], "system")
        sup = [x for x in self.alerts(self.supervisor, cid) if x["kind"] == "promise_broken"]
        self.assertEqual((len(sup), sup[0]["to"]), (1, "supervisors"))
        self.assertEqual([x["kind"] for x in self.alerts(self.agent, cid)], ["promise_warning"],
                         "an agent sees their own alerts, not the supervisors'")

        order = [t for t in self.types(cid) if t.startswith(("promise_", "alert:"))]
        self.assertEqual(order, ["promise_made", "alert:promise_warning", "promise_at_risk",
                                 "promise_broken", "alert:promise_broken", "promise_made"])

        r = self.agent.post("/api/v1/cases/%d/events" % cid,
                            {"type": "call", "body": "Called back, line reset remotely"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["visibility"], "internal")
        ps = self.promises(cid)
        self.assertEqual([x["state"] for x in ps], ["broken", "kept"])
        self.assertEqual(ps[1]["kept_event_id"], r.json["id"])
        kept = [e for e in self.events(cid) if e["type"] == "promise_kept"]
        self.assertEqual(len(kept), 1)
        self.assertEqual(kept[0]["visibility"], "public")

        # acknowledging: the agent their own, not the supervisors'
        r = self.agent.post("/api/v1/alerts/%d/ack" % a[0]["id"], {})
        self.assertStatus(r, 200)
        self.assertIsNotNone(r.json["ack_at"])
        self.assertEqual(self.agent.get("/api/v1/alerts?open=true&case_id=%d" % cid).json["items"], [])
        self.assertError(self.agent.post("/api/v1/alerts/%d/ack" % sup[0]["id"], {}), 403, "forbidden")
        self.assertStatus(self.supervisor.post("/api/v1/alerts/%d/ack" % sup[0]["id"], {}), 200)

    def test_kept_only_by_an_event_never_by_time(self):
        self.set_now("2026-11-26T10:00:00Z")
        c, _ = self.customer_case("Kept by events")
        cid = c["id"]
        path = "/api/v1/cases/%d/promises" % cid
        reply = self.agent.post(path, {"kind": "reply", "in_minutes": 240}).json
        update = self.agent.post(path, {"kind": "fix", "in_minutes": 72 * 60}).json
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid,
                                          {"type": "note", "body": "looking into it"}), 201)
        self.assertEqual([x["state"] for x in self.promises(cid)], ["pending", "pending"],
                         "an internal note kept a promise")
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid,
                                          {"type": "message", "body": "We found the fault."}), 201)
        ps = {x["id"]: x for x in self.promises(cid)}
        self.assertEqual((ps[reply["id"]]["state"], ps[update["id"]]["state"]), ("kept", "pending"))
        self.advance(5 * HOUR)
        self.quiet(1.5)
        self.assertEqual({x["id"]: x["state"] for x in self.promises(cid)}[reply["id"]], "kept")
        self.assertNotIn("promise_broken", self.types(cid))
        # a fix is kept by the resolution, and nothing else
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "resolved"}), 200)
        ps = {x["id"]: x for x in self.promises(cid)}
        self.assertEqual(ps[update["id"]]["state"], "kept")

    def test_closing_a_case_cancels_its_promises_and_nothing_more_fires(self):
        self.set_now("2026-11-28T10:00:00Z")
        c, addr = self.customer_case("Closed with a promise open")
        cid = c["id"]
        self.assertStatus(self.agent.post("/api/v1/cases/%d/promises" % cid,
                                          {"kind": "callback", "in_minutes": 120}), 201)
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "resolved"}), 200)
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "closed"}), 200)
        ps = self.promises(cid)
        self.assertEqual([(x["state"], x["reason"]) for x in ps],
                         [("cancelled", "the case was closed")])
        for _ in range(3):
            self.advance(5 * HOUR)
            self.quiet(0.5)
        self.assertEqual(len(self.promises(cid)), 1, "a closed case got new promises")
        self.assertNotIn("promise_broken", self.types(cid))
        self.assertEqual(self.alerts(self.supervisor, cid), [])
        self.assertEqual(self.inbox.to(addr), [])

    def test_revise_tells_the_customer_at_once(self):
        self.set_now("2026-11-27T10:00:00Z")
        c, addr = self.customer_case("Needs more time")
        p = self.agent.post("/api/v1/cases/%d/promises" % c["id"],
                            {"kind": "fix", "in_minutes": 72 * 60}).json
        later = datetime.fromtimestamp((self.now() + 96 * HOUR) / 1000, timezone.utc)
        r = self.agent.post("/api/v1/promises/%d/revise" % p["id"],
                            {"due_at": later.strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "reason": "the part ships on Monday"})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["replaces_id"], r.json["state"]), (p["id"], "pending"))
        ps = self.promises(c["id"])
        self.assertEqual((ps[0]["state"], ps[0]["reason"]),
                         ("cancelled", "revised: the part ships on Monday"))
        mail = self.wait_for("the revision email", lambda: self.inbox.to(addr))
        self.assertIn("the part ships on Monday", body_of(mail[0]))


class Restart(ClockTest):
    START = "2026-11-30T10:00:00Z"

    def restart(self):
        self.assertEqual(self.server.stop(), 0)
        type(self).server = Server(self.db, os.path.join(self.tmp, "server.log"),
                                   self.server_env_again()).start()
        for role in ("admin", "supervisor", "agent"):
            getattr(self, role).close()
            setattr(type(self), role, Client(self.server.port, self.tokens[role]))

    def server_env_again(self):
        return {"HEED_TEST_CLOCK_FILE": self.clock_file,
                "HEED_SMTP_URL": "smtp://127.0.0.1:%d" % self.smtp_port,
                "HEED_MAIL_FROM": "help@heed.test"}

    def test_every_deadline_missed_while_down_fires_once_in_order(self):
        c, addr = self.customer_case("Down for a while")
        cid = c["id"]
        p = self.agent.post("/api/v1/cases/%d/promises" % cid,
                            {"kind": "callback", "in_minutes": 120}).json
        self.assertEqual(self.server.stop(), 0)
        self.set_now(ms_of(p["created_at"]) + 5 * HOUR)  # past warning, notice and due
        self.restart()
        self.wait_for("the breach after the restart", lambda: "promise_broken" in self.types(cid))
        self.quiet(1.0)
        seq = [t for t in self.types(cid) if t.startswith(("promise_", "alert:"))]
        self.assertEqual(seq, ["promise_made", "alert:promise_warning", "promise_at_risk",
                               "promise_broken", "alert:promise_broken", "promise_made"])
        self.assertEqual([x["state"] for x in self.promises(cid)], ["broken", "pending"])
        self.assertEqual(len(self.inbox.to(addr)), 1)
        before = self.events(cid)
        self.restart()
        self.quiet(1.5)
        self.assertEqual(self.events(cid), before, "a restart fired something again")
        self.assertEqual(len(self.inbox.to(addr)), 1, "an email was sent twice")


class Sla(ClockTest):
    # Friday 27 March 2026, 16:30 in Paris (CET, UTC+1); the clocks go
    # forward on Sunday 29 March; Monday 30 March is a holiday here.
    START = "2026-03-27T15:30:00Z"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.put("/api/v1/calendars/paris", {
            "tz": "Europe/Paris",
            "hours": {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
            "holidays": ["2026-03-30"]})
        assert r.status == 200, r
        r = cls.admin.post("/api/v1/sla-policies", {
            "queue": "billing", "priority": "any", "calendar": "paris",
            "first_response_minutes": 60, "next_response_minutes": 120,
            "resolution_minutes": 600,
            "escalation": {"raise_priority": True, "reassign_to": cls.ids["supervisor"]}})
        assert r.status == 200, r

    def clocks(self, cid):
        r = self.agent.get("/api/v1/cases/%d/sla" % cid)
        self.assertStatus(r, 200)
        return {k["metric"]: k for k in r.json["items"]}

    def test_a_config_is_validated_and_listed(self):
        cals = self.agent.get("/api/v1/calendars").json["items"]
        self.assertEqual([c["name"] for c in cals], ["paris"])
        self.assertEqual(cals[0]["hours"]["sat"], [])
        self.assertErrors([
            ("unknown zone", lambda: self.admin.put("/api/v1/calendars/x", {
                "tz": "Mars/Olympus", "hours": {"mon": ["09:00-17:00"]}}), 422, "invalid_value", "tz"),
            ("bad span", lambda: self.admin.put("/api/v1/calendars/x", {
                "tz": "UTC", "hours": {"mon": ["17:00-09:00"]}}), 422, "invalid_value", "hours.mon[0]"),
            ("bad holiday", lambda: self.admin.put("/api/v1/calendars/x", {
                "tz": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": ["2026-02-30"]}),
             422, "invalid_value", "holidays[0]"),
            ("agents may not", lambda: self.agent.put("/api/v1/calendars/x", {
                "tz": "UTC", "hours": {"mon": ["09:00-17:00"]}}), 403, "forbidden", None),
            ("no such calendar", lambda: self.admin.post("/api/v1/sla-policies", {
                "queue": "x", "calendar": "nowhere", "first_response_minutes": 5}),
             422, "invalid_value", "calendar"),
            ("no target", lambda: self.admin.post("/api/v1/sla-policies", {"queue": "x"}),
             422, "invalid_value", "first_response_minutes"),
            ("bad minutes", lambda: self.admin.post("/api/v1/sla-policies", {
                "queue": "x", "first_response_minutes": -5}), 422, "invalid_value",
             "first_response_minutes"),
            ("next without first", lambda: self.admin.post("/api/v1/sla-policies", {
                "queue": "x", "next_response_minutes": 30}), 422, "invalid_value",
             "next_response_minutes"),
            ("priority not a name", lambda: self.admin.post("/api/v1/sla-policies", {
                "queue": "x", "priority": 3, "first_response_minutes": 30}), 422, "invalid_value",
             "priority"),
        ])
        self.assertEqual([p["queue"] for p in self.agent.get("/api/v1/sla-policies").json["items"]],
                         ["billing"])
        # a policy with one target only: the others are none (not 0)
        r = self.admin.post("/api/v1/sla-policies", {"queue": "onlyfirst", "priority": "urgent",
                                                    "first_response_minutes": 15})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["next_response_minutes"], r.json["resolution_minutes"]),
                         (None, None))
        c, _ = self.customer_case("One target", queue="onlyfirst", priority="urgent")
        self.assertEqual(set(self.clocks(c["id"])), {"first_response"})
        self.assertStatus(self.admin.delete("/api/v1/sla-policies/onlyfirst/urgent"), 204)
        self.assertError(self.admin.delete("/api/v1/sla-policies/onlyfirst/urgent"), 404,
                         "not_found")

    def test_b_first_response_across_weekend_holiday_and_dst_then_escalation(self):
        self.set_now("2026-03-27T15:30:00Z")
        c, _ = self.customer_case("Charged twice", queue="billing")
        cid = c["id"]
        k = self.clocks(cid)
        self.assertEqual(set(k), {"first_response", "resolution"})
        # 30 business minutes on Friday (16:30-17:00 CET), then nothing until
        # Tuesday 09:00, which is CEST (UTC+2): 07:00Z, plus 30 minutes
        self.assertAlmostEqual(ms_of(k["first_response"]["due_at"]),
                               ms_of("2026-03-31T07:30:00Z"), delta=5000)
        # 600 minutes: 30 Fri, 480 Tue, 90 Wed from 09:00 CEST
        self.assertAlmostEqual(ms_of(k["resolution"]["due_at"]),
                               ms_of("2026-04-01T08:30:00Z"), delta=5000)
        self.set_now("2026-03-30T09:00:00Z")  # Monday: a holiday, nothing runs
        self.quiet()
        self.set_now("2026-03-31T07:29:00Z")
        self.quiet()
        self.assertNotIn("sla_breached", self.types(cid))
        self.set_now("2026-03-31T07:31:00Z")
        self.wait_for("the breach", lambda: "sla_breached" in self.types(cid))
        got = self.agent.get("/api/v1/cases/%d" % cid).json
        self.assertEqual((got["priority"], got["owner_id"]), ("high", self.ids["supervisor"]))
        self.assertEqual(self.clocks(cid)["first_response"]["state"], "breached")
        seq = [t for t in self.types(cid)
               if t in ("sla_breached", "alert:sla_breached", "priority_change", "assignment")]
        # breach, alerts (supervisors, owner), then the escalation (cases_update's
        # order: owner, priority)
        self.assertEqual(seq[-5:], ["sla_breached", "alert:sla_breached", "alert:sla_breached",
                                    "assignment", "priority_change"])
        self.assertEqual([a["kind"] for a in self.alerts(self.agent, cid)], ["sla_breached"],
                         "the owner is told too")
        al = [a for a in self.alerts(self.supervisor, cid) if a["kind"] == "sla_breached"]
        self.assertEqual(len(al), 1)
        # the late answer is recorded; the breach stays
        self.assertStatus(self.supervisor.post("/api/v1/cases/%d/events" % cid,
                                               {"type": "message", "body": "Refund on its way"}), 201)
        k = self.clocks(cid)["first_response"]
        self.assertEqual(k["state"], "breached")
        self.assertIsNotNone(k["met_at"])
        # the resolution breaches too (600 business minutes: Wednesday 10:30
        # CEST); resolving later records when it was met, the breach stays
        self.set_now("2026-04-01T08:31:00Z")
        self.wait_for("the resolution breach",
                      lambda: self.clocks(cid)["resolution"]["state"] == "breached")
        self.assertStatus(self.supervisor.patch("/api/v1/cases/%d" % cid,
                                                {"status": "resolved"}), 200)
        k = self.clocks(cid)["resolution"]
        self.assertEqual(k["state"], "breached")
        self.assertIsNotNone(k["met_at"])

    def test_c_waiting_on_the_customer_pauses_and_a_reply_starts_the_next(self):
        self.set_now("2026-04-07T08:00:00Z")  # Tuesday 10:00 CEST
        c, _ = self.customer_case("Invoice address wrong", queue="billing")
        cid = c["id"]
        self.set_now("2026-04-07T08:20:00Z")
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid,
                                           {"status": "pending_customer"}), 200)
        k = self.clocks(cid)
        self.assertEqual(k["first_response"]["state"], "paused")
        self.assertIn(k["first_response"]["used_minutes"], (19, 20))  # 20 min, less the ms
        # between creating the case and setting the clock
        self.set_now("2026-04-07T11:20:00Z")
        self.quiet()
        self.assertNotIn("sla_breached", self.types(cid), "a paused clock breached")
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "open"}), 200)
        k = self.clocks(cid)["first_response"]
        self.assertEqual(k["state"], "running")
        self.assertAlmostEqual(ms_of(k["due_at"]), ms_of("2026-04-07T12:00:00Z"), delta=5000)
        # the agent answers: met; the customer writes back: the next response runs
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid,
                                          {"type": "message", "body": "Which address?"}), 201)
        self.assertEqual(self.clocks(cid)["first_response"]["state"], "met")
        link = self.agent.post("/api/v1/cases/%d/status-link" % cid, {}).json["url"]
        token = link.split("#", 1)[1]
        self.assertStatus(self.anon.post("/api/v1/status/%s/messages" % token,
                                         {"body": "12 Rue de Rivoli"}), 201)
        nxt = self.clocks(cid)["next_response"]
        self.assertEqual((nxt["state"], nxt["target_minutes"]), ("running", 120))
        # resolved: the resolution is met; a "thanks" afterwards owes no answer
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid,
                                          {"type": "message", "body": "Fixed the address."}), 201)
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "resolved"}), 200)
        self.assertStatus(self.anon.post("/api/v1/status/%s/messages" % token,
                                         {"body": "Thanks!"}), 201)
        k = self.clocks(cid)
        self.assertEqual(k["resolution"]["state"], "running",
                         "the customer's message reopened the case: the resolution runs again")
        self.assertEqual(k["next_response"]["state"], "running")
        self.assertEqual(self.agent.get("/api/v1/cases/%d" % cid).json["status"], "open")

    def test_d_a_case_made_outside_hours_waits_for_the_opening(self):
        self.set_now("2026-04-11T10:00:00Z")  # Saturday
        c, _ = self.customer_case("Weekend question", queue="billing")
        k = self.clocks(c["id"])["first_response"]
        # Monday 13 April 09:00 CEST = 07:00Z, plus 60 minutes
        self.assertAlmostEqual(ms_of(k["due_at"]), ms_of("2026-04-13T08:00:00Z"), delta=5000)


class StatusAndFollowup(ClockTest):
    START = "2026-12-01T10:00:00Z"

    def link(self, cid, rotate=False):
        r = self.agent.post("/api/v1/cases/%d/status-link" % cid, {"rotate": rotate})
        self.assertStatus(r, 200)
        return r.json["url"].split("#", 1)[1]

    def test_a_status_page_shows_public_things_only(self):
        c, _ = self.customer_case("Modem lights blink")
        cid = c["id"]
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid, {
            "type": "note", "body": "INTERNAL-ONLY margin note"}), 201)
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid, {
            "type": "message", "body": "We are checking the line."}), 201)
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {
            "plan": "Test the line, then send a technician if needed."}), 200)
        self.assertStatus(self.agent.post("/api/v1/cases/%d/promises" % cid,
                                          {"kind": "update", "in_minutes": 24 * 60}), 201)
        token = self.link(cid)
        r = self.anon.get("/api/v1/status/" + token)
        self.assertStatus(r, 200)
        self.assertNotIn("INTERNAL-ONLY", r.raw.decode())
        made = [e for e in r.json["timeline"] if e["type"] == "promise_made"]
        self.assertEqual(set(made[0]["data"]), {"kind", "due_at"}, "ids leaked to the page")
        with open(os.path.join(self.tmp, "server.log")) as f:
            self.assertNotIn(token, f.read(), "the link's token is in the server log")
        v = r.json
        self.assertEqual(v["case"]["id"], cid)
        self.assertEqual(v["standing"], "We have your request. Someone will pick it up soon.")
        self.assertEqual(v["next"], "We will send you an update.")
        self.assertEqual(v["plan"], "Test the line, then send a technician if needed.")
        self.assertEqual(len(v["promises"]), 1)
        self.assertTrue(all(e["type"] not in ("note", "created", "assignment")
                            for e in v["timeline"]))
        msgs = [e for e in v["timeline"] if e["type"] == "message"]
        self.assertEqual((msgs[-1]["body"], msgs[-1]["author"], msgs[-1]["author_name"]),
                         ("We are checking the line.", "agent", "Agent Person"))
        self.assertEqual(self.agent.get("/api/v1/cases/%d" % cid).json["status_url"],
                         "https://help.example.test/status/#" + token)
        # the customer writes from the page: a public customer message
        r = self.anon.post("/api/v1/status/%s/messages" % token, {"body": "It blinks orange now"})
        self.assertStatus(r, 201)
        last = self.events(cid)[-1]
        self.assertEqual((last["type"], last["visibility"], last["author"]["kind"], last["body"]),
                         ("message", "public", "customer", "It blinks orange now"))
        # bad tokens, rotation, revocation
        for bad in ("x", "A" * 32, token[:-1] + ("A" if token[-1] != "A" else "B"), "A" * 300):
            with self.subTest(bad=bad[:10]):
                self.assertError(self.anon.get("/api/v1/status/" + bad), 404, "not_found")
        new = self.link(cid, rotate=True)
        self.assertNotEqual(new, token)
        self.assertError(self.anon.get("/api/v1/status/" + token), 404, "not_found")
        self.assertError(self.anon.post("/api/v1/status/%s/messages" % token, {"body": "hi"}),
                         404, "not_found")
        self.assertStatus(self.anon.get("/api/v1/status/" + new), 200)
        self.assertStatus(self.agent.delete("/api/v1/cases/%d/status-link" % cid), 204)
        self.assertError(self.anon.get("/api/v1/status/" + new), 404, "not_found")
        self.assertIsNone(self.agent.get("/api/v1/cases/%d" % cid).json["status_url"])
        self.assertErrors([
            ("empty message", lambda: self.anon.post("/api/v1/status/%s/messages" % self.link(cid),
                                                     {"body": "   "}), 422, "invalid_value", "body"),
            ("answer before resolution", lambda: self.anon.post(
                "/api/v1/status/%s/followup" % self.link(cid), {"fixed": True}), 409, "conflict", None),
            ("fixed not bool", lambda: self.anon.post(
                "/api/v1/status/%s/followup" % self.link(cid), {"fixed": "yes"}), 400, "bad_request",
             "fixed"),
        ])

    def test_b_one_followup_sent_by_heed_no_reopens_to_the_same_owner(self):
        self.set_now("2026-12-02T10:00:00Z")
        c, addr = self.customer_case("Wifi drops at night")
        cid = c["id"]
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "resolved"}), 200)
        token = self.link(cid)
        self.assertTrue(self.anon.get("/api/v1/status/" + token).json["can_answer"])
        self.advance(23 * HOUR)
        self.quiet()
        self.assertEqual(self.inbox.to(addr), [], "the follow-up came early")
        self.advance(2 * HOUR)
        mail = self.wait_for("the follow-up", lambda: self.inbox.to(addr))
        self.assertEqual(len(mail), 1)
        self.assertIn("Is your problem fixed?", mail[0]["Subject"])
        self.assertIn("https://help.example.test/status/#" + token, body_of(mail[0]))
        sent = [e for e in self.events(cid) if e["type"] == "followup_sent"]
        self.assertEqual((len(sent), sent[0]["author"]["kind"]), (1, "system"))
        r = self.anon.post("/api/v1/status/%s/followup" % token,
                           {"fixed": False, "ease": 3, "comment": "Still drops at 2am"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["followup"]["state"], r.json["followup"]["fixed"],
                          r.json["followup"]["ease"], r.json["can_answer"]),
                         ("answered", False, 3, False))
        got = self.agent.get("/api/v1/cases/%d" % cid).json
        self.assertEqual((got["status"], got["owner_id"]), ("open", self.ids["agent"]))
        last_msg = [e for e in self.events(cid) if e["type"] == "message"][-1]
        self.assertEqual((last_msg["body"], last_msg["author"]["kind"]),
                         ("Still drops at 2am", "customer"))
        # resolved again: no second follow-up for this case, ever
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "resolved"}), 200)
        self.assertError(self.anon.post("/api/v1/status/%s/followup" % token, {"fixed": True}),
                         409, "conflict")
        self.advance(48 * HOUR)
        self.quiet()
        self.assertEqual(len(self.inbox.to(addr)), 1)
        self.assertEqual(self.types(cid).count("followup_sent"), 1)

    def test_c_cooldown_and_no_second_ticket(self):
        self.set_now("2026-12-10T10:00:00Z")
        c, addr = self.customer_case("Router keeps dropping")
        cust = c["customer_id"]
        # the same problem again: proposed, not duplicated
        r = self.agent.post("/api/v1/cases", {"customer_id": cust,
                                              "subject": "my router is dropping the line again"})
        err = self.assertError(r, 409, "conflict", "subject")
        self.assertEqual((err["reason"], err["related_id"]), ("similar_open_case", c["id"]))
        r = self.agent.post("/api/v1/cases", {"customer_id": cust, "subject": "Invoice is wrong"})
        self.assertStatus(r, 201)
        other = r.json
        r = self.agent.post("/api/v1/cases", {"customer_id": cust, "confirm_new": True,
                                              "subject": "Router dropping, second line"})
        self.assertStatus(r, 201)
        created = self.events(r.json["id"])[0]
        self.assertEqual(created["data"]["confirmed_over"], c["id"])
        # the first follow-up goes; the next case inside 30 days is not asked
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % c["id"], {"status": "resolved"}), 200)
        self.advance(25 * HOUR)
        self.wait_for("the first follow-up", lambda: self.inbox.to(addr))
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % other["id"],
                                           {"status": "resolved"}), 200)
        self.advance(25 * HOUR)
        self.wait_for("the skip", lambda: "followup_skipped" in self.types(other["id"]))
        self.assertEqual(len(self.inbox.to(addr)), 1)
        # a resolved case is no longer "open": the same subject is a new case
        r = self.agent.post("/api/v1/cases", {"customer_id": cust,
                                              "subject": "Invoice is wrong"})
        self.assertStatus(r, 201)

    def test_e_a_case_the_customer_reopens_is_watched_for_quiet_again(self):
        self.set_now("2026-12-28T10:00:00Z")
        c, _ = self.customer_case("Waiting on me")
        cid = c["id"]
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid,
                                           {"status": "pending_customer"}), 200)
        self.advance(72 * HOUR)  # the quiet timer fires on a waiting case: nothing
        self.quiet()
        token = self.link(cid)
        self.assertStatus(self.anon.post("/api/v1/status/%s/messages" % token,
                                         {"body": "Here is the photo you asked for"}), 201)
        self.assertEqual(self.agent.get("/api/v1/cases/%d" % cid).json["status"], "open")
        self.advance(49 * HOUR)
        self.wait_for("the quiet-case alert after the customer reopened it",
                      lambda: [a for a in self.alerts(self.agent, cid) if a["kind"] == "case_stale"])

    def test_d_a_quiet_open_case_alerts_its_owner_and_the_supervisors(self):
        self.set_now("2026-12-20T10:00:00Z")
        c, _ = self.customer_case("Quiet case")
        cid = c["id"]
        self.assertStatus(self.agent.patch("/api/v1/cases/%d" % cid, {"status": "open"}), 200)
        self.advance(40 * HOUR)
        self.assertStatus(self.agent.post("/api/v1/cases/%d/events" % cid,
                                          {"type": "message", "body": "Still on it"}), 201)
        self.advance(40 * HOUR)  # 80 h since opening, 40 since the last update
        self.quiet()
        self.assertEqual([a for a in self.alerts(self.agent, cid) if a["kind"] == "case_stale"], [])
        self.advance(9 * HOUR)  # 49 h quiet: two (24-hour) business days
        self.wait_for("the quiet-case alert",
                      lambda: [a for a in self.alerts(self.agent, cid) if a["kind"] == "case_stale"])
        mine = [a for a in self.alerts(self.agent, cid) if a["kind"] == "case_stale"]
        self.assertEqual([a["to"] for a in mine], [self.ids["agent"]])
        sup = [a for a in self.alerts(self.supervisor, cid) if a["kind"] == "case_stale"]
        self.assertEqual([a["to"] for a in sup], ["supervisors"])
        self.assertEqual(self.types(cid).count("alert:case_stale"), 2)
