"""Agents: list, create, get, patch (admin), and their 4xx."""

from harness import PASSWORD, ServerTest, unique
from test_sessions import AGENT_KEYS, assert_no_secret


class Agents(ServerTest):
    def create(self, **kw):
        body = {"name": "New Agent", "email": unique("agent") + "@example.com", "role": "agent"}
        body.update(kw)
        return self.admin.post("/api/v1/agents", body)

    def agent_count(self):
        return len(self.admin.get("/api/v1/agents").json["items"])

    def test_list(self):
        for client in (self.admin, self.supervisor):
            r = client.get("/api/v1/agents")
            self.assertStatus(r, 200)
            self.assertJSON(r)
            emails = {a["email"] for a in r.json["items"]}
            self.assertLessEqual({"admin@example.com", "supervisor@example.com",
                                  "agent@example.com"}, emails)
            for a in r.json["items"]:
                self.assertEqual(set(a), AGENT_KEYS)
            assert_no_secret(self, r.json)

    def test_create_get_and_login(self):
        email = unique("bob") + "@example.com"
        r = self.create(name="Bob", email=email, role="supervisor", password="bob's long password")
        self.assertStatus(r, 201)
        self.assertJSON(r)
        self.assertEqual(set(r.json), AGENT_KEYS)
        self.assertEqual((r.json["name"], r.json["email"], r.json["role"]),
                         ("Bob", email, "supervisor"))
        self.assertTime(r.json["created_at"])
        self.assertTime(r.json["updated_at"])
        got = self.supervisor.get("/api/v1/agents/%d" % r.json["id"])
        self.assertStatus(got, 200)
        self.assertEqual(got.json, r.json)
        login = self.anon.post("/api/v1/sessions", {"email": email, "password": "bob's long password"})
        self.assertStatus(login, 201)
        self.assertEqual(login.json["agent"]["id"], r.json["id"])

    def test_create_without_password(self):
        r = self.create()
        self.assertStatus(r, 201)
        login = self.anon.post("/api/v1/sessions", {"email": r.json["email"], "password": PASSWORD})
        self.assertError(login, 401, "unauthorized")

    def test_create_duplicate_email_409(self):
        email = unique("dup") + "@example.com"
        self.assertStatus(self.create(email=email), 201)
        n = self.agent_count()
        self.assertErrors([
            ("same email", lambda: self.create(email=email), 409, "conflict", None),
            ("same email, other case", lambda: self.create(email=email.upper()), 409, "conflict", None),
            ("CLI agent's email", lambda: self.create(email="admin@example.com"), 409, "conflict", None)])
        self.assertEqual(self.agent_count(), n)

    def test_create_invalid_422(self):
        n = self.agent_count()
        self.assertErrors([
            ("role: root", lambda: self.create(role="root"), 422, "invalid_value", "role"),
            ("email: not-an-email", lambda: self.create(email="not-an-email"), 422, "invalid_value", "email"),
            ("email: a@", lambda: self.create(email="a@"), 422, "invalid_value", "email")])
        self.assertEqual(self.agent_count(), n)

    def test_create_missing_or_wrong_type_400(self):
        n = self.agent_count()

        def without(field):
            body = {"name": "X", "email": unique("m") + "@example.com", "role": "agent"}
            del body[field]
            return lambda: self.admin.post("/api/v1/agents", body)

        self.assertErrors([("missing " + f, without(f), 400, "bad_request", f) for f in ("name", "email", "role")] + [
            ("name: 7", lambda: self.create(name=7), 400, "bad_request", "name"),
            ("role: [admin]", lambda: self.create(role=["admin"]), 400, "bad_request", "role"),
            ("password: 123456", lambda: self.create(password=123456), 400, "bad_request", "password")])
        self.assertEqual(self.agent_count(), n)

    def test_get_404(self):
        self.assertError(self.admin.get("/api/v1/agents/999999"), 404, "not_found")
        self.assertError(self.admin.get("/api/v1/agents/abc"), 404, "not_found")

    def test_patch(self):
        a = self.create(password=PASSWORD).json
        r = self.admin.patch("/api/v1/agents/%d" % a["id"], {"name": "Renamed", "role": "admin"})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["name"], r.json["role"], r.json["email"]),
                         ("Renamed", "admin", a["email"]))
        self.assertEqual(r.json["created_at"], a["created_at"])
        self.assertGreaterEqual(r.json["updated_at"], a["updated_at"])
        assert_no_secret(self, r.json)
        self.assertEqual(self.admin.get("/api/v1/agents/%d" % a["id"]).json, r.json)

    def test_patch_password(self):
        a = self.create(password=PASSWORD).json
        r = self.admin.patch("/api/v1/agents/%d" % a["id"], {"password": "a new long password"})
        self.assertStatus(r, 200)
        old = self.anon.post("/api/v1/sessions", {"email": a["email"], "password": PASSWORD})
        self.assertError(old, 401, "unauthorized")
        new = self.anon.post("/api/v1/sessions", {"email": a["email"], "password": "a new long password"})
        self.assertStatus(new, 201)

    def test_patch_errors(self):
        a = self.create().json
        path = "/api/v1/agents/%d" % a["id"]
        patch = self.admin.patch
        self.assertErrors([
            ("role: boss", lambda: patch(path, {"role": "boss"}), 422, "invalid_value", "role"),
            ("name: 3", lambda: patch(path, {"name": 3}), 400, "bad_request", "name"),
            ("malformed JSON", lambda: patch(path, raw=b"[1,2"), 400, "bad_request", None),
            ("unknown agent", lambda: patch("/api/v1/agents/999999", {"name": "x"}), 404, "not_found", None)])
        self.assertEqual(self.admin.get(path).json, a, "failed patches changed the agent")

    def test_role_change_takes_effect(self):
        a = self.create(password=PASSWORD).json
        tok = self.anon.post("/api/v1/sessions", {"email": a["email"], "password": PASSWORD}).json["token"]
        self.assertError(self.anon.get("/api/v1/agents", token=tok), 403, "forbidden")
        self.assertStatus(self.admin.patch("/api/v1/agents/%d" % a["id"], {"role": "supervisor"}), 200)
        self.assertStatus(self.anon.get("/api/v1/agents", token=tok), 200)


class SkillsAndCapacity(ServerTest):
    """An agent's skills and chat capacity: set at creation or later, checked,
    and shown (routing itself is covered by tests/chat)."""

    def test_defaults(self):
        r = self.admin.post("/api/v1/agents", {"name": "New", "email": unique("n") + "@example.com",
                                               "role": "agent"})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["skills"], r.json["capacity"]), ("", 3))

    def test_create_and_patch(self):
        r = self.admin.post("/api/v1/agents", {"name": "Biller", "role": "agent",
                                               "email": unique("b") + "@example.com",
                                               "skills": "billing,fr", "capacity": 5})
        self.assertStatus(r, 201)
        self.assertEqual((r.json["skills"], r.json["capacity"]), ("billing,fr", 5))
        aid = r.json["id"]
        r = self.admin.patch("/api/v1/agents/%d" % aid, {"capacity": 2})
        self.assertStatus(r, 200)
        self.assertEqual((r.json["skills"], r.json["capacity"]), ("billing,fr", 2))
        r = self.admin.patch("/api/v1/agents/%d" % aid, {"skills": ""})
        self.assertEqual((r.json["skills"], r.json["capacity"]), ("", 2))
        self.assertEqual(self.supervisor.get("/api/v1/agents/%d" % aid).json["capacity"], 2)

    def test_bad_values_change_nothing(self):
        r = self.admin.post("/api/v1/agents", {"name": "Steady", "role": "agent",
                                               "email": unique("s") + "@example.com"})
        aid = r.json["id"]
        before = self.admin.get("/api/v1/agents/%d" % aid).json
        p = "/api/v1/agents/%d" % aid

        def patch(body, who=None):
            return lambda: (who or self.admin).patch(p, body)
        self.assertErrors([
            ("zero", patch({"capacity": 0}), 422, "invalid_value", "capacity"),
            ("over", patch({"capacity": 21}), 422, "invalid_value", "capacity"),
            ("huge", patch({"capacity": 2 ** 40}), 422, "invalid_value", "capacity"),
            ("string", patch({"capacity": "3"}), 400, "bad_request", "capacity"),
            ("float", patch({"capacity": 2.5}), 400, "bad_request", "capacity"),
            ("bad skill", patch({"skills": "Billing!"}), 422, "invalid_value", "skills"),
            ("skills type", patch({"skills": 7}), 400, "bad_request", "skills"),
            ("one bad of two", patch({"skills": "billing", "capacity": 0}),
             422, "invalid_value", "capacity"),
            ("create zero", lambda: self.admin.post("/api/v1/agents", {
                "name": "X", "role": "agent", "capacity": 0, "email": unique("x") + "@example.com"}),
             422, "invalid_value", "capacity"),
            ("not admin", patch({"capacity": 9}, self.agent), 403, "forbidden", None),
        ])
        self.assertEqual(self.admin.get("/api/v1/agents/%d" % aid).json, before)
