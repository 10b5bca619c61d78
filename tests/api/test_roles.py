"""The role matrix: every route x {no token, bogus token, agent, supervisor,
admin}. Refused callers get 401 (authentication) or 403 (role); allowed
callers get anything but 401/403 (and the route exists: not 404/405).

The chat visitor's routes take only a visitor token: every staff token is
401 there (tests/chat covers the visitor's own use)."""

from harness import PASSWORD, ServerTest, q, unique
from test_routes_openapi import (ADMIN_ONLY, PUBLIC, SUPERVISOR_UP, VISITOR, load_spec,
                                 spec_routes)

ROLES = ("agent", "supervisor", "admin")


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
            ("GET", "/widget.js"): call("GET", "/widget.js"),
            ("GET", "/console/"): call("GET", "/console/"),
            ("GET", "/console/{file}"): call("GET", "/console/console.js"),
            ("GET", "/demo/"): call("GET", "/demo/"),
        }

    def delete_own_reply(self, tok):
        """Each caller deletes a reply of its own (another's is 403)."""
        r = self.anon.post("/api/v1/saved-replies", {"title": "Bye", "body": "Bye"}, token=tok)
        rid = r.json["id"] if r.status == 201 else 1
        return self.anon.request("DELETE", "/api/v1/saved-replies/%d" % rid, token=tok)

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
