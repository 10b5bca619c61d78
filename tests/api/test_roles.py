"""The role matrix: every route x {no token, bogus token, agent, supervisor,
admin}. Refused callers get 401 (authentication) or 403 (role); allowed
callers get anything but 401/403 (and the route exists: not 404/405).

The chat visitor's routes take only a visitor token: every staff token is
401 there (tests/chat covers the visitor's own use).

The customer's status-page routes take no login: the token in the path is
the credential, so any caller with a live token may use them, and a token
that opens nothing is 404 for every caller, never 401 or 403."""

import datetime
import time

from harness import PASSWORD, ServerTest, q, unique
from test_routes_openapi import (ADMIN_ONLY, PUBLIC, STATUS_TOKEN, SUPERVISOR_UP, VISITOR,
                                 load_spec, spec_routes)

ROLES = ("agent", "supervisor", "admin")
BOGUS_STATUS_TOKENS = ("A" * 32, "x", "bogus-" + "0" * 40, "A" * 65)


MATRIX_FLOW = {"title": "Matrix", "start": "q", "steps": [
    {"id": "q", "type": "question", "fact": "matrix.q", "text": "Yes?", "audience": "customer",
     "answer": "yes_no", "next": "end"},
    {"id": "end", "type": "outcome", "outcome": "resolved"}]}


def iso_in(ms):
    """RFC 3339 UTC with milliseconds, ms from now."""
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def expected(route, who):
    """'ok', 401 or 403."""
    if route in PUBLIC:
        return "ok"
    if who in ("none", "bogus") or route in VISITOR:
        return 401
    if route in ADMIN_ONLY and who != "admin":
        return 403
    if route in SUPERVISOR_UP and who == "agent":
        return 403
    return "ok"


class RoleMatrix(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.email = unique("role") + "@example.com"
        r = cls.admin.post("/api/v1/customers", {"identifiers": [{"kind": "email", "value": cls.email}]})
        assert r.status == 201, r
        cls.cust_id = r.json["id"]
        r = cls.admin.post("/api/v1/cases", {"customer_id": cls.cust_id, "subject": "matrix"})
        assert r.status == 201, r
        cls.case_id = r.json["id"]
        r = cls.admin.post("/api/v1/agents", {"name": "Target", "email": unique("t") + "@example.com",
                                              "role": "agent"})
        assert r.status == 201, r
        cls.target_id = r.json["id"]
        r = cls.admin.post("/api/v1/queues", {"name": "matrix", "skills": ""})
        assert r.status == 201, r
        cls.site = unique("site")
        r = cls.admin.post("/api/v1/sites", {"key": cls.site, "name": "Matrix", "queue": "matrix",
                                             "origins": "http://127.0.0.1:9"})
        assert r.status == 201, r
        # the status page of a case of its own (the matrix turns cls.case_id's link off)
        cls.status_case_id = cls.new_case_for_matrix("status page")
        cls.status_token = cls.status_link(cls.status_case_id)
        # an alert to the agent: a promise of theirs due in 2 s warns them at 75%
        alert_case = cls.new_case_for_matrix("alert")
        r = cls.admin.post("/api/v1/cases/%d/promises" % alert_case, {
            "kind": "callback", "due_at": iso_in(2000), "confirm_short": True,
            "owner_id": cls.ids["agent"]})
        assert r.status == 201, r
        cls.alert_id = cls.wait_alert_to(cls.ids["agent"])
        # a guided flow whose first step the customer answers, and a run of it
        r = cls.supervisor.put("/api/v1/flows/matrix-flow", MATRIX_FLOW)
        assert r.status == 201, r
        r = cls.admin.post("/api/v1/cases/%d/flow-runs" % cls.case_id, {"flow": "matrix-flow"})
        assert r.status == 201, r
        cls.run_id = r.json["id"]

    @classmethod
    def new_case_for_matrix(cls, subject):
        r = cls.admin.post("/api/v1/cases", {"customer_id": cls.cust_id, "subject": subject,
                                             "confirm_new": True})
        assert r.status == 201, r
        return r.json["id"]

    @classmethod
    def status_link(cls, case_id):
        """The token of the case's status link (what follows '#')."""
        r = cls.admin.post("/api/v1/cases/%d/status-link" % case_id, {})
        assert r.status == 200, r
        return r.json["url"].split("#", 1)[1]

    @classmethod
    def wait_alert_to(cls, agent_id, timeout=20.0):
        deadline = time.monotonic() + timeout
        while True:
            r = cls.agent.get("/api/v1/alerts")
            assert r.status == 200, r
            mine = [a for a in r.json["items"] if a["to"] == agent_id]
            if mine:
                return mine[0]["id"]
            assert time.monotonic() < deadline, "no alert to agent %d: %r" % (agent_id, r)
            time.sleep(0.2)

    def requests(self):
        """(METHOD, route) -> function(token) returning a Response."""
        c, k, t = self.case_id, self.cust_id, self.target_id
        a = self.anon

        def call(method, path, body=None):
            return lambda tok: a.request(method, path, body=body, token=tok)

        return {
            ("GET", "/healthz"): call("GET", "/healthz"),
            ("GET", "/metrics"): call("GET", "/metrics"),
            ("POST", "/api/v1/sessions"): call("POST", "/api/v1/sessions",
                                               {"email": "agent@example.com", "password": PASSWORD}),
            ("DELETE", "/api/v1/sessions"): None,  # special: needs its own session
            ("GET", "/api/v1/me"): call("GET", "/api/v1/me"),
            ("GET", "/api/v1/agents"): call("GET", "/api/v1/agents"),
            ("POST", "/api/v1/agents"): lambda tok: a.post("/api/v1/agents", {
                "name": "M", "email": unique("m") + "@example.com", "role": "agent"}, token=tok),
            ("GET", "/api/v1/agents/{id}"): call("GET", "/api/v1/agents/%d" % t),
            ("PATCH", "/api/v1/agents/{id}"): call("PATCH", "/api/v1/agents/%d" % t, {"name": "Target"}),
            ("GET", "/api/v1/customers"): call("GET", "/api/v1/customers?q=x"),
            ("POST", "/api/v1/customers"): lambda tok: a.post("/api/v1/customers", {
                "identifiers": [{"kind": "email", "value": unique("n") + "@example.com"}]}, token=tok),
            ("GET", "/api/v1/customers/lookup"): call("GET", "/api/v1/customers/lookup?identifier=" + q(self.email)),
            ("GET", "/api/v1/customers/{id}"): call("GET", "/api/v1/customers/%d" % k),
            ("PATCH", "/api/v1/customers/{id}"): call("PATCH", "/api/v1/customers/%d" % k, {"name": "Matrix"}),
            # customer records (issue 5)
            ("GET", "/api/v1/customers/{id}/history"): call("GET", "/api/v1/customers/%d/history" % k),
            ("POST", "/api/v1/customers/{id}/merge"): self.merge_new_pair,
            ("GET", "/api/v1/cases"): call("GET", "/api/v1/cases"),
            ("POST", "/api/v1/cases"): call("POST", "/api/v1/cases", {"customer_id": k, "subject": "m"}),
            ("GET", "/api/v1/cases/{id}"): call("GET", "/api/v1/cases/%d" % c),
            ("PATCH", "/api/v1/cases/{id}"): call("PATCH", "/api/v1/cases/%d" % c, {"priority": "high"}),
            ("GET", "/api/v1/cases/{id}/events"): call("GET", "/api/v1/cases/%d/events" % c),
            ("POST", "/api/v1/cases/{id}/events"): call("POST", "/api/v1/cases/%d/events" % c,
                                                        {"type": "note", "body": "matrix"}),
            ("GET", "/api/v1/cases/{id}/facts"): call("GET", "/api/v1/cases/%d/facts" % c),
            ("PUT", "/api/v1/cases/{id}/facts/{key}"): call("PUT", "/api/v1/cases/%d/facts/matrix.key" % c,
                                                            {"value": 1}),
            ("GET", "/api/v1/cases/{id}/promises"): call("GET", "/api/v1/cases/%d/promises" % c),
            ("POST", "/api/v1/cases/{id}/promises"): call("POST", "/api/v1/cases/%d/promises" % c,
                                                          {"kind": "update", "in_minutes": 2880}),
            ("GET", "/api/v1/cases/{id}/sla"): call("GET", "/api/v1/cases/%d/sla" % c),
            ("POST", "/api/v1/cases/{id}/status-link"): call("POST", "/api/v1/cases/%d/status-link" % c,
                                                             {}),
            ("DELETE", "/api/v1/cases/{id}/status-link"): call("DELETE",
                                                               "/api/v1/cases/%d/status-link" % c),
            ("GET", "/api/v1/promises/proposal"): call("GET", "/api/v1/promises/proposal?case_id=%d&kind=reply" % c),
            ("POST", "/api/v1/promises/{id}/cancel"): self.cancel_new_promise,
            ("POST", "/api/v1/promises/{id}/revise"): self.revise_new_promise,
            ("GET", "/api/v1/alerts"): call("GET", "/api/v1/alerts"),
            ("POST", "/api/v1/alerts/{id}/ack"): call("POST", "/api/v1/alerts/%d/ack" % self.alert_id, {}),
            ("GET", "/api/v1/calendars"): call("GET", "/api/v1/calendars"),
            ("PUT", "/api/v1/calendars/{name}"): call("PUT", "/api/v1/calendars/matrix", {
                "tz": "UTC", "hours": {"mon": ["09:00-17:00"]}}),
            ("GET", "/api/v1/sla-policies"): call("GET", "/api/v1/sla-policies"),
            ("POST", "/api/v1/sla-policies"): call("POST", "/api/v1/sla-policies", {
                "queue": "matrix", "priority": "urgent", "first_response_minutes": 60,
                "next_response_minutes": 60, "resolution_minutes": 600}),
            ("DELETE", "/api/v1/sla-policies/{queue}/{priority}"): self.delete_new_policy,
            ("GET", "/api/v1/status/{token}"): call("GET", "/api/v1/status/" + self.status_token),
            ("POST", "/api/v1/status/{token}/messages"): call(
                "POST", "/api/v1/status/%s/messages" % self.status_token, {"body": "matrix"}),
            ("POST", "/api/v1/status/{token}/followup"): self.answer_new_followup,
            ("POST", "/api/v1/chat/sessions"): call("POST", "/api/v1/chat/sessions",
                                                    {"site": self.site, "subject": "matrix"}),
            ("OPTIONS", "/api/v1/chat/sessions"): call("OPTIONS", "/api/v1/chat/sessions"),
            ("GET", "/api/v1/chat/transcript"): call("GET", "/api/v1/chat/transcript"),
            ("OPTIONS", "/api/v1/chat/transcript"): call("OPTIONS", "/api/v1/chat/transcript"),
            ("POST", "/api/v1/chat/transcript/email"): call("POST", "/api/v1/chat/transcript/email",
                                                            {"email": "m@example.com"}),
            ("OPTIONS", "/api/v1/chat/transcript/email"): call("OPTIONS",
                                                               "/api/v1/chat/transcript/email"),
            ("GET", "/api/v1/chat/stats"): call("GET", "/api/v1/chat/stats"),
            ("GET", "/api/v1/queues"): call("GET", "/api/v1/queues"),
            ("POST", "/api/v1/queues"): call("POST", "/api/v1/queues", {"name": "matrix"}),
            ("GET", "/api/v1/sites"): call("GET", "/api/v1/sites"),
            ("POST", "/api/v1/sites"): lambda tok: a.post("/api/v1/sites", {
                "key": unique("s"), "name": "M", "queue": "matrix"}, token=tok),
            ("GET", "/api/v1/saved-replies"): call("GET", "/api/v1/saved-replies"),
            ("POST", "/api/v1/saved-replies"): call("POST", "/api/v1/saved-replies",
                                                    {"title": "Hi", "body": "Hello"}),
            ("DELETE", "/api/v1/saved-replies/{id}"): self.delete_own_reply,
            ("GET", "/api/v1/cases/{id}/verifications"): call("GET", "/api/v1/cases/%d/verifications" % c),
            ("POST", "/api/v1/cases/{id}/verifications"): call(
                "POST", "/api/v1/cases/%d/verifications" % c,
                {"method": "agent_questions", "reason": "customer_request"}),
            ("GET", "/api/v1/cases/{id}/effort"): call("GET", "/api/v1/cases/%d/effort" % c),
            ("GET", "/api/v1/cases/{id}/handoff-draft"): call("GET", "/api/v1/cases/%d/handoff-draft" % c),
            ("GET", "/api/v1/cases/{id}/handoffs"): call("GET", "/api/v1/cases/%d/handoffs" % c),
            ("POST", "/api/v1/cases/{id}/handoffs"): call("POST", "/api/v1/cases/%d/handoffs" % c,
                                                          {"to_agent_id": t, "summary": "matrix"}),
            ("GET", "/api/v1/cases/{id}/flow-runs"): call("GET", "/api/v1/cases/%d/flow-runs" % c),
            ("POST", "/api/v1/cases/{id}/flow-runs"): call("POST", "/api/v1/cases/%d/flow-runs" % c,
                                                           {"flow": "matrix-flow"}),
            ("GET", "/api/v1/flow-runs/{id}"): call("GET", "/api/v1/flow-runs/%d" % self.run_id),
            ("POST", "/api/v1/flow-runs/{id}/answers"): self.answer_new_run,
            ("GET", "/api/v1/flows"): call("GET", "/api/v1/flows"),
            ("GET", "/api/v1/flows/{key}"): call("GET", "/api/v1/flows/matrix-flow"),
            ("PUT", "/api/v1/flows/{key}"): call("PUT", "/api/v1/flows/matrix-flow", MATRIX_FLOW),
            ("GET", "/api/v1/flows/{key}/versions"): call("GET", "/api/v1/flows/matrix-flow/versions"),
            ("POST", "/api/v1/status/{token}/answers"): self.answer_on_new_page,
            ("GET", "/api/v1/chat/questions"): call("GET", "/api/v1/chat/questions"),
            ("OPTIONS", "/api/v1/chat/questions"): call("OPTIONS", "/api/v1/chat/questions"),
            ("POST", "/api/v1/chat/answers"): call("POST", "/api/v1/chat/answers",
                                                   {"step": "q", "value": True}),
            ("OPTIONS", "/api/v1/chat/answers"): call("OPTIONS", "/api/v1/chat/answers"),
            # resolution powers
            ("GET", "/api/v1/action-policies"): call("GET", "/api/v1/action-policies"),
            ("PUT", "/api/v1/action-policies/{kind}"): call("PUT", "/api/v1/action-policies/credit", {
                "currency": "EUR", "limits": {"agent": {"per_case": 1000, "per_month": 5000}}}),
            ("GET", "/api/v1/cases/{id}/actions"): call("GET", "/api/v1/cases/%d/actions" % c),
            ("POST", "/api/v1/cases/{id}/actions"): call("POST", "/api/v1/cases/%d/actions" % c, {
                "kind": "extend_subscription", "days": 1, "reason": "matrix"}),
            ("GET", "/api/v1/approvals"): call("GET", "/api/v1/approvals"),
            ("POST", "/api/v1/actions/{id}/approve"): lambda tok: a.post(
                "/api/v1/actions/%d/approve" % self.new_request(), {}, token=tok),
            ("POST", "/api/v1/actions/{id}/decline"): lambda tok: a.post(
                "/api/v1/actions/%d/decline" % self.new_request(), {"note": "matrix"}, token=tok),
            ("POST", "/api/v1/actions/{id}/cancel"): lambda tok: a.post(
                "/api/v1/actions/%d/cancel" % self.new_request(), {"reason": "matrix"}, token=tok),
            ("GET", "/widget.js"): call("GET", "/widget.js"),
            ("GET", "/console/"): call("GET", "/console/"),
            ("GET", "/console/{file}"): call("GET", "/console/console.js"),
            ("GET", "/demo/"): call("GET", "/demo/"),
            ("GET", "/status/"): call("GET", "/status/"),
            ("GET", "/status/{file}"): call("GET", "/status/status.js"),
        }

    def status_requests(self, token):
        """The status-page routes with `token` in the path, as in requests()."""
        a = self.anon
        return {
            ("GET", "/api/v1/status/{token}"): lambda tok: a.get("/api/v1/status/" + q(token),
                                                                 token=tok),
            ("POST", "/api/v1/status/{token}/messages"): lambda tok: a.post(
                "/api/v1/status/%s/messages" % q(token), {"body": "matrix"}, token=tok),
            ("POST", "/api/v1/status/{token}/followup"): lambda tok: a.post(
                "/api/v1/status/%s/followup" % q(token), {"fixed": True}, token=tok),
            ("POST", "/api/v1/status/{token}/answers"): lambda tok: a.post(
                "/api/v1/status/%s/answers" % q(token), {"step": "q", "value": True}, token=tok),
        }

    def new_run(self):
        """A case of its own with the matrix flow running: (case id, run id)."""
        cid = self.new_case_for_matrix("flow")
        r = self.admin.post("/api/v1/cases/%d/flow-runs" % cid, {"flow": "matrix-flow"})
        self.assertStatus(r, 201, "starting a run")
        return cid, r.json["id"]

    def answer_new_run(self, tok):
        return self.anon.post("/api/v1/flow-runs/%d/answers" % self.new_run()[1],
                              {"step": "q", "value": True}, token=tok)

    def answer_on_new_page(self, tok):
        """The customer's answer on a page of its own (a step is answered once)."""
        cid = self.new_run()[0]
        return self.anon.post("/api/v1/status/%s/answers" % self.status_link(cid),
                              {"step": "q", "value": True}, token=tok)
    def new_request(self):
        """Resolution powers: a request waiting for approval, by the agent
        (nobody approves their own), that a supervisor may approve."""
        self.assertStatus(self.admin.put("/api/v1/action-policies/replacement", {
            "limits": {"supervisor": {"per_case": None, "per_month": None}}}), 200)
        r = self.agent.post("/api/v1/cases/%d/actions" % self.case_id, {
            "kind": "replacement", "item": "cable", "quantity": 1, "reason": "matrix"})
        self.assertStatus(r, 202, "requesting a replacement")
        return r.json["id"]
    def merge_new_pair(self, tok):
        """Each caller merges a fresh duplicate into a fresh record (a
        second merge of the same pair is 409)."""
        ids = []
        for _ in range(2):
            r = self.admin.post("/api/v1/customers", {"identifiers": [
                {"kind": "email", "value": unique("mg") + "@example.com"}]})
            self.assertStatus(r, 201, "making a customer to merge")
            ids.append(r.json["id"])
        return self.anon.post("/api/v1/customers/%d/merge" % ids[0], {"from_id": ids[1]}, token=tok)

    def delete_own_reply(self, tok):
        """Each caller deletes a reply of its own (another's is 403)."""
        r = self.anon.post("/api/v1/saved-replies", {"title": "Bye", "body": "Bye"}, token=tok)
        rid = r.json["id"] if r.status == 201 else 1
        return self.anon.request("DELETE", "/api/v1/saved-replies/%d" % rid, token=tok)

    def new_promise(self):
        r = self.admin.post("/api/v1/cases/%d/promises" % self.case_id,
                            {"kind": "reply", "in_minutes": 600})
        self.assertStatus(r, 201, "making a promise")
        return r.json["id"]

    def cancel_new_promise(self, tok):
        """Each caller cancels a pending promise (a second cancel is 409)."""
        return self.anon.post("/api/v1/promises/%d/cancel" % self.new_promise(),
                              {"reason": "matrix"}, token=tok)

    def revise_new_promise(self, tok):
        return self.anon.post("/api/v1/promises/%d/revise" % self.new_promise(),
                              {"due_at": iso_in(3 * 86400 * 1000), "reason": "matrix"}, token=tok)

    def delete_new_policy(self, tok):
        """Each caller deletes a policy that exists (none is 404)."""
        r = self.admin.post("/api/v1/sla-policies", {
            "queue": "matrix", "priority": "high", "first_response_minutes": 30,
            "next_response_minutes": 30, "resolution_minutes": 300})
        self.assertStatus(r, 200, "making a policy")
        return self.anon.delete("/api/v1/sla-policies/matrix/high", token=tok)

    def answer_new_followup(self, tok):
        """Each caller answers "Is it fixed?" on a resolved case of its own
        (once per case; an unresolved case is 409)."""
        cid = self.new_case_for_matrix("followup")
        r = self.admin.patch("/api/v1/cases/%d" % cid, {"status": "resolved"})
        self.assertStatus(r, 200, "resolving")
        return self.anon.post("/api/v1/status/%s/followup" % self.status_link(cid),
                              {"fixed": True}, token=tok)

    def token_for(self, who, route):
        if who == "none":
            return ""
        if who == "bogus":
            return "bogus-" + "0" * 40
        if route == ("DELETE", "/api/v1/sessions"):
            r = self.anon.post("/api/v1/sessions", {"email": "%s@example.com" % who, "password": PASSWORD})
            self.assertStatus(r, 201, "login as %s" % who)
            return r.json["token"]
        return self.tokens[who]

    def test_matrix_covers_every_route(self):
        self.assertEqual(set(self.requests()), spec_routes(load_spec()))

    def test_matrix(self):
        reqs = self.requests()
        for route in sorted(reqs):
            for who in ("none", "bogus") + ROLES:
                want = expected(route, who)
                with self.subTest(route="%s %s" % route, who=who, want=want):
                    tok = self.token_for(who, route)
                    send = reqs[route]
                    r = self.anon.delete("/api/v1/sessions", token=tok) if send is None else send(tok)
                    if want == 401:
                        self.assertError(r, 401, "unauthorized")
                    elif want == 403:
                        self.assertError(r, 403, "forbidden")
                    else:
                        self.assertNotIn(r.status, (401, 403, 404, 405), "%s must be allowed: %r" % (who, r))
                        self.assertLess(r.status, 400, "valid request as %s: %r" % (who, r))

    def test_status_token_that_opens_nothing_is_404_for_everyone(self):
        """Unknown, malformed and revoked tokens: 404 not_found whoever asks
        (no token, a bogus one, any role), never 401 or 403."""
        cid = self.new_case_for_matrix("revoked")
        revoked = self.status_link(cid)
        self.assertStatus(self.admin.delete("/api/v1/cases/%d/status-link" % cid), 204)
        self.assertEqual(set(self.status_requests("x")), STATUS_TOKEN)
        for token in BOGUS_STATUS_TOKENS + (revoked,):
            reqs = self.status_requests(token)
            for route in sorted(reqs):
                for who in ("none", "bogus") + ROLES:
                    with self.subTest(route="%s %s" % route, token=token[:12], who=who):
                        self.assertError(reqs[route](self.token_for(who, route)), 404, "not_found")

    def test_rotated_status_token_is_404(self):
        cid = self.new_case_for_matrix("rotated")
        old = self.status_link(cid)
        r = self.agent.post("/api/v1/cases/%d/status-link" % cid, {"rotate": True})
        self.assertStatus(r, 200)
        new = r.json["url"].split("#", 1)[1]
        self.assertNotEqual(new, old)
        self.assertError(self.anon.get("/api/v1/status/" + old), 404, "not_found")
        self.assertStatus(self.anon.get("/api/v1/status/" + new), 200)

    def test_forbidden_sla_writes_change_nothing(self):
        cals = self.admin.get("/api/v1/calendars").json
        pols = self.admin.get("/api/v1/sla-policies").json
        for client in (self.agent, self.supervisor):
            self.assertError(client.put("/api/v1/calendars/sneaky", {
                "tz": "UTC", "hours": {"mon": ["00:00-24:00"]}}), 403, "forbidden")
            self.assertError(client.post("/api/v1/sla-policies", {
                "queue": "sneaky", "first_response_minutes": 1, "next_response_minutes": 1,
                "resolution_minutes": 1}), 403, "forbidden")
            for p in pols["items"]:
                self.assertError(client.delete("/api/v1/sla-policies/%s/%s" % (
                    p["queue"], p["priority"])), 403, "forbidden")
        self.assertEqual(self.admin.get("/api/v1/calendars").json, cals)
        self.assertEqual(self.admin.get("/api/v1/sla-policies").json, pols)

    def test_supervisors_alert_needs_a_supervisor(self):
        """The one 403 of the alert routes is not the route's role: an agent
        may not acknowledge an alert to the supervisors."""
        deadline = time.monotonic() + 20
        while True:
            items = self.supervisor.get("/api/v1/alerts?open=true").json["items"]
            theirs = [a for a in items if a["to"] == "supervisors"]
            if theirs:
                break
            self.assertLess(time.monotonic(), deadline, "no alert to the supervisors")
            time.sleep(0.2)
        aid = theirs[0]["id"]
        self.assertError(self.agent.post("/api/v1/alerts/%d/ack" % aid, {}), 403, "forbidden")
        r = self.supervisor.post("/api/v1/alerts/%d/ack" % aid, {})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["ack_by"], self.ids["supervisor"])

    def test_forbidden_writes_change_nothing(self):
        before = self.admin.get("/api/v1/agents/%d" % self.target_id).json
        n = len(self.admin.get("/api/v1/agents").json["items"])
        for client in (self.agent, self.supervisor):
            self.assertError(client.patch("/api/v1/agents/%d" % self.target_id, {"role": "admin"}),
                             403, "forbidden")
            self.assertError(client.post("/api/v1/agents", {"name": "Sneaky", "role": "admin",
                                                           "email": unique("s") + "@example.com"}),
                             403, "forbidden")
        self.assertEqual(self.admin.get("/api/v1/agents/%d" % self.target_id).json, before)
        self.assertEqual(len(self.admin.get("/api/v1/agents").json["items"]), n)

    def test_no_self_promotion(self):
        me = self.ids["agent"]
        self.assertError(self.agent.patch("/api/v1/agents/%d" % me, {"role": "admin"}), 403, "forbidden")
        self.assertEqual(self.agent.get("/api/v1/me").json["role"], "agent")
