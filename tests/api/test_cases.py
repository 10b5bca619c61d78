"""Cases: create (by id or by customer), get, list with filters, patch."""

from harness import ServerTest, q, unique
from test_customers import phone_digits

CASE_KEYS = {"id", "customer_id", "subject", "status", "priority", "owner_id", "queue",
             "next_action_at", "plan", "status_url", "created_at", "updated_at"}


class Cases(ServerTest):
    def assertCase(self, c):
        self.assertEqual(set(c), CASE_KEYS)
        self.assertIsInstance(c["id"], int)
        self.assertIsInstance(c["customer_id"], int)
        self.assertTime(c["created_at"])
        self.assertTime(c["updated_at"])

    def test_create_with_customer_id_defaults(self):
        cust = self.new_customer(("email", unique("c") + "@example.com"))
        r = self.agent.post("/api/v1/cases", {"customer_id": cust["id"], "subject": "Router blinks red"})
        self.assertStatus(r, 201)
        self.assertJSON(r)
        self.assertCase(r.json)
        c = r.json
        self.assertEqual((c["customer_id"], c["subject"], c["status"], c["priority"], c["owner_id"], c["queue"]),
                         (cust["id"], "Router blinks red", "new", "normal", None, "general"))
        got = self.agent.get("/api/v1/cases/%d" % c["id"])
        self.assertStatus(got, 200)
        self.assertEqual(got.json, c)

    def test_create_with_all_fields(self):
        cust = self.new_customer(("email", unique("c") + "@example.com"))
        r = self.agent.post("/api/v1/cases", {
            "customer_id": cust["id"], "subject": "Billing: charged twice ✓", "priority": "urgent",
            "queue": "billing", "owner_id": self.ids["agent"], "message": "I was charged twice.",
            "facts": {"charge.count": 2}})
        self.assertStatus(r, 201)
        c = r.json
        self.assertEqual((c["subject"], c["priority"], c["queue"], c["owner_id"], c["status"]),
                         ("Billing: charged twice ✓", "urgent", "billing", self.ids["agent"], "new"))

    def test_create_with_new_customer(self):
        email = unique("walkin") + "@example.com"
        r = self.agent.post("/api/v1/cases", {
            "customer": {"name": "Walk In", "identifiers": [{"kind": "email", "value": email}]},
            "subject": "Hello"})
        self.assertStatus(r, 201)
        cust = self.agent.get("/api/v1/customers/lookup?identifier=" + q(email))
        self.assertStatus(cust, 200)
        self.assertEqual(cust.json["id"], r.json["customer_id"])
        self.assertEqual(cust.json["name"], "Walk In")

    def test_create_joins_existing_customer_in_any_format(self):
        d = phone_digits()
        cust = self.new_customer(("phone", d), ("email", unique("j") + "@example.com"))
        n = self.count("/api/v1/customers")
        r = self.agent.post("/api/v1/cases", {
            "customer": {"identifiers": [{"kind": "phone", "value": "(%s) %s-%s" % (d[:3], d[3:6], d[6:])}]},
            "subject": "Calling again"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["customer_id"], cust["id"])
        self.assertEqual(self.count("/api/v1/customers"), n, "no new customer")

    def test_create_errors(self):
        cust = self.new_customer(("email", unique("e") + "@example.com"))
        n = self.count("/api/v1/cases")
        cases = [
            ({"customer_id": cust["id"]}, 400, "bad_request", "subject"),
            ({"customer_id": cust["id"], "subject": 5}, 400, "bad_request", "subject"),
            ({"customer_id": "1", "subject": "x"}, 400, "bad_request", "customer_id"),
            ({"subject": "no customer"}, 400, "bad_request", None),
            ({"customer_id": cust["id"], "subject": "x", "priority": "whenever"}, 422, "invalid_value", "priority"),
            ({"customer_id": cust["id"], "subject": "x", "priority": 1}, 400, "bad_request", "priority"),
            ({"customer_id": 999999, "subject": "x"}, 422, "invalid_value", "customer_id"),
            ({"customer_id": cust["id"], "subject": "x", "owner_id": 999999}, 422, "invalid_value", "owner_id"),
            ({"customer_id": cust["id"], "subject": "x", "queue": 3}, 400, "bad_request", "queue"),
            ({"customer_id": cust["id"], "subject": "x", "facts": []}, 400, "bad_request", "facts"),
            ({"customer_id": cust["id"], "subject": "x", "message": {}}, 400, "bad_request", "message"),
            ({"customer": {"identifiers": [{"kind": "email", "value": "bad"}]}, "subject": "x"},
             422, "invalid_value", None),
            ({"customer_id": cust["id"], "subject": "x", "facts": {"Bad Key!": 1}}, 422, "invalid_value", None),
        ]
        for body, status, code, field in cases:
            with self.subTest(body=body):
                self.assertError(self.agent.post("/api/v1/cases", body), status, code, field)
        self.assertEqual(self.count("/api/v1/cases"), n, "a failed create wrote a case")
        self.assertHealthy()

    def test_get_404(self):
        for path in ("/api/v1/cases/999999", "/api/v1/cases/abc", "/api/v1/cases/1.5",
                     "/api/v1/cases/-1", "/api/v1/cases/0x10", "/api/v1/cases/99999999999999999999999"):
            with self.subTest(path=path):
                self.assertError(self.agent.get(path), 404, "not_found")

    def test_patch_fields_and_events(self):
        c = self.new_case(subject="Old subject")
        path = "/api/v1/cases/%d" % c["id"]
        steps = [({"priority": "high"}, "priority", "high", "priority_change"),
                 ({"queue": "tier2"}, "queue", "tier2", "queue_change"),
                 ({"subject": "New subject"}, "subject", "New subject", "subject_change"),
                 ({"owner_id": self.ids["supervisor"]}, "owner_id", self.ids["supervisor"], "assignment"),
                 ({"owner_id": None}, "owner_id", None, "assignment"),
                 ({"status": "open"}, "status", "open", "status_change")]
        for body, key, value, event in steps:
            with self.subTest(body=body):
                r = self.agent.patch(path, body)
                self.assertStatus(r, 200)
                self.assertCase(r.json)
                self.assertEqual(r.json[key], value)
                self.assertGreaterEqual(r.json["updated_at"], c["updated_at"])
                self.assertEqual(self.agent.get(path).json, r.json)
                events = self.agent.get(path + "/events?limit=200").json["items"]
                mine = [e for e in events if e["type"] == event]
                self.assertTrue(mine, "no %s event after %r" % (event, body))
                self.assertEqual(mine[-1]["author"], {"kind": "agent", "id": self.ids["agent"]})

    def test_patch_errors(self):
        c = self.new_case()
        path = "/api/v1/cases/%d" % c["id"]
        patch = self.agent.patch
        self.assertErrors([
            ("status: done", lambda: patch(path, {"status": "done"}), 422, "invalid_value", "status"),
            ("priority: meh", lambda: patch(path, {"priority": "meh"}), 422, "invalid_value", "priority"),
            ("unknown owner", lambda: patch(path, {"owner_id": 999999}), 422, "invalid_value", "owner_id"),
            ("status: 1", lambda: patch(path, {"status": 1}), 400, "bad_request", "status"),
            ("owner_id: me", lambda: patch(path, {"owner_id": "me"}), 400, "bad_request", "owner_id"),
            ("subject: null", lambda: patch(path, {"subject": None}), 400, "bad_request", "subject"),
            ("array body", lambda: patch(path, raw=b'["status"]'), 400, "bad_request", None),
            ("unknown case", lambda: patch("/api/v1/cases/999999", {"priority": "low"}), 404, "not_found", None)])
        self.assertEqual(self.agent.get(path).json, c, "failed patches changed the case")
        events = self.agent.get(path + "/events").json["items"]
        self.assertEqual([e["type"] for e in events], ["created"], "failed patches added events")


class CaseFilters(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.q1, cls.q2 = unique("qa"), unique("qb")
        cls.cust = cls.admin.post("/api/v1/customers", {"identifiers": [
            {"kind": "email", "value": unique("f") + "@example.com"}]}).json
        cls.other = cls.admin.post("/api/v1/customers", {"identifiers": [
            {"kind": "email", "value": unique("g") + "@example.com"}]}).json
        cls.made = []
        for queue, owner, cust in [(cls.q1, None, cls.cust), (cls.q1, "agent", cls.cust),
                                   (cls.q2, "supervisor", cls.other), (cls.q2, None, cls.cust)]:
            body = {"customer_id": cust["id"], "subject": "filter", "queue": queue,
                    "confirm_new": True}
            if owner:
                body["owner_id"] = cls.ids[owner]
            r = cls.admin.post("/api/v1/cases", body)
            assert r.status == 201, r
            cls.made.append(r.json)
        r = cls.admin.patch("/api/v1/cases/%d" % cls.made[3]["id"], {"status": "pending_customer"})
        assert r.status == 200, r
        cls.made[3] = r.json

    def ids_of(self, query):
        r = self.agent.get("/api/v1/cases?" + query)
        self.assertStatus(r, 200, query)
        self.assertJSON(r)
        self.assertIn("next_cursor", r.json)
        return [c["id"] for c in r.json["items"]]

    def test_newest_first(self):
        got = self.ids_of("queue=" + self.q1)
        self.assertEqual(got, [self.made[1]["id"], self.made[0]["id"]])

    def test_filters(self):
        m = [c["id"] for c in self.made]
        self.assertEqual(set(self.ids_of("queue=" + self.q2)), {m[2], m[3]})
        self.assertEqual(set(self.ids_of("queue=%s&owner_id=none" % self.q1)), {m[0]})
        self.assertEqual(set(self.ids_of("owner_id=%d&queue=%s" % (self.ids["agent"], self.q1))), {m[1]})
        self.assertEqual(set(self.ids_of("customer_id=%d" % self.other["id"])), {m[2]})
        self.assertEqual(set(self.ids_of("customer_id=%d" % self.cust["id"])), {m[0], m[1], m[3]})
        self.assertEqual(set(self.ids_of("status=pending_customer&customer_id=%d" % self.cust["id"])), {m[3]})
        self.assertEqual(set(self.ids_of("status=new&queue=" + self.q2)), {m[2]})
        self.assertEqual(self.ids_of("queue=" + unique("empty")), [])

    def test_bad_filters(self):
        self.assertError(self.agent.get("/api/v1/cases?status=bogus"), 422, "invalid_value", "status")
        self.assertError(self.agent.get("/api/v1/cases?limit=0"), 422, "invalid_value", "limit")
        self.assertError(self.agent.get("/api/v1/cases?limit=201"), 422, "invalid_value", "limit")
