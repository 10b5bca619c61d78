"""The case timeline: creation order, messages and notes, visibility, paging."""

from harness import ServerTest, q, unique

EVENT_KEYS = {"id", "case_id", "type", "author", "visibility", "body", "data", "created_at"}


class Events(ServerTest):
    def setUp(self):
        self.cust = self.new_customer(("email", unique("ev") + "@example.com"))
        r = self.agent.post("/api/v1/cases", {
            "customer_id": self.cust["id"], "subject": "No internet",
            "message": "My router shows a red light.",
            "facts": {"tried.power_cycle": 3, "router.model": "XR500"}})
        self.assertStatus(r, 201)
        self.case = r.json
        self.path = "/api/v1/cases/%d/events" % self.case["id"]

    def events(self, client=None, query="?limit=200"):
        r = (client or self.agent).get(self.path + query)
        self.assertStatus(r, 200)
        self.assertJSON(r)
        self.assertIn("next_cursor", r.json)
        return r.json["items"]

    def assertEvent(self, e):
        self.assertEqual(set(e), EVENT_KEYS)
        self.assertIsInstance(e["id"], int)
        self.assertEqual(e["case_id"], self.case["id"])
        self.assertIn(e["visibility"], ("public", "internal"))
        self.assertEqual(set(e["author"]), {"kind", "id"})
        self.assertIn(e["author"]["kind"], ("agent", "customer", "system"))
        self.assertTrue(e["data"] is None or isinstance(e["data"], dict))
        self.assertTime(e["created_at"])

    def test_creation_order(self):
        ev = self.events()
        for e in ev:
            self.assertEvent(e)
        self.assertEqual([e["type"] for e in ev], ["created", "message", "fact", "fact"])
        msg = ev[1]
        self.assertEqual(msg["author"]["kind"], "customer")
        self.assertIn(msg["author"]["id"], (self.cust["id"], None))
        self.assertEqual(msg["body"], "My router shows a red light.")
        self.assertEqual(msg["visibility"], "public")
        ids = [e["id"] for e in ev]
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(set(ids)), len(ids))

    def test_case_without_message_or_facts(self):
        c = self.new_case(self.cust["id"])
        r = self.agent.get("/api/v1/cases/%d/events" % c["id"])
        self.assertStatus(r, 200)
        self.assertEqual([e["type"] for e in r.json["items"]], ["created"])
        self.assertIsNone(r.json["next_cursor"])

    def test_post_message_defaults_public(self):
        r = self.agent.post(self.path, {"type": "message", "body": "Please try port 2."})
        self.assertStatus(r, 201)
        self.assertJSON(r)
        self.assertEvent(r.json)
        self.assertEqual((r.json["type"], r.json["visibility"], r.json["body"]),
                         ("message", "public", "Please try port 2."))
        self.assertEqual(r.json["author"], {"kind": "agent", "id": self.ids["agent"]})
        self.assertEqual(self.events()[-1], r.json)

    def test_post_note_is_internal(self):
        for body in ({"type": "note", "body": "Line test looks fine."},
                     {"type": "note", "body": "Second note", "visibility": "internal"}):
            r = self.supervisor.post(self.path, body)
            self.assertStatus(r, 201)
            self.assertEqual((r.json["type"], r.json["visibility"]), ("note", "internal"))
            self.assertEqual(r.json["author"], {"kind": "agent", "id": self.ids["supervisor"]})

    def test_internal_message(self):
        r = self.agent.post(self.path, {"type": "message", "body": "fyi", "visibility": "internal"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["visibility"], "internal")

    def test_order_oldest_first_after_posts(self):
        bodies = ["one", "two", "three", "four"]
        for b in bodies:
            self.assertStatus(self.agent.post(self.path, {"type": "note", "body": b}), 201)
        ev = self.events()
        self.assertEqual([e["body"] for e in ev[-4:]], bodies)
        stamps = [e["created_at"] for e in ev]
        self.assertEqual(stamps, sorted(stamps))

    def test_bad_input(self):
        n = len(self.events())
        for body, status, code, field in [
                ({"type": "note", "body": "x", "visibility": "public"}, 422, "invalid_value", "visibility"),
                ({"type": "message", "body": ""}, 422, "invalid_value", "body"),
                ({"type": "note", "body": ""}, 422, "invalid_value", "body"),
                ({"type": "message"}, 400, "bad_request", "body"),
                ({"body": "x"}, 400, "bad_request", "type"),
                ({"type": "message", "body": 5}, 400, "bad_request", "body"),
                ({"type": "status_change", "body": "x"}, 422, "invalid_value", "type"),
                ({"type": "sms", "body": "x"}, 422, "invalid_value", "type"),
                ({"type": "message", "body": "x", "visibility": "secret"}, 422, "invalid_value", "visibility"),
                ({"type": "message", "body": "x", "visibility": True}, 400, "bad_request", "visibility")]:
            with self.subTest(body=body):
                self.assertError(self.agent.post(self.path, body), status, code, field)
        self.assertEqual(len(self.events()), n, "a refused event was written")

    def test_unknown_case_404(self):
        n = self.count("/api/v1/cases")
        self.assertError(self.agent.get("/api/v1/cases/999999/events"), 404, "not_found")
        self.assertError(self.agent.post("/api/v1/cases/999999/events", {"type": "note", "body": "x"}),
                         404, "not_found")
        self.assertError(self.agent.get("/api/v1/cases/nope/events"), 404, "not_found")
        self.assertEqual(self.count("/api/v1/cases"), n)

    def test_paging_with_after(self):
        for i in range(5):
            self.agent.post(self.path, {"type": "note", "body": "n%d" % i})
        everything = self.events()
        self.assertEqual(len(everything), 9)
        got, cursor, pages = [], None, 0
        while True:
            query = "?limit=2" + ("&after=" + q(cursor) if cursor is not None else "")
            r = self.agent.get(self.path + query)
            self.assertStatus(r, 200, query)
            self.assertLessEqual(len(r.json["items"]), 2)
            got += r.json["items"]
            cursor = r.json["next_cursor"]
            pages += 1
            if cursor is None:
                break
            self.assertLess(pages, 20)
        self.assertEqual(got, everything, "paging with after=next_cursor")
        first = everything[0]["id"]
        rest = self.events(query="?limit=200&after=%d" % first)
        self.assertEqual(rest, everything[1:], "after=<event id>")
        self.assertEqual(self.events(query="?after=%d" % everything[-1]["id"]), [])

    def test_limit_out_of_range(self):
        self.assertError(self.agent.get(self.path + "?limit=0"), 422, "invalid_value", "limit")
        self.assertError(self.agent.get(self.path + "?limit=201"), 422, "invalid_value", "limit")
