"""Facts: recorded with source and time; the latest is current, history keeps all."""

from harness import ServerTest, q, unique

FACT_KEYS = {"id", "key", "value", "source", "recorded_by", "created_at"}


class Facts(ServerTest):
    def setUp(self):
        cust = self.new_customer(("email", unique("fa") + "@example.com"))
        r = self.agent.post("/api/v1/cases", {
            "customer_id": cust["id"], "subject": "Device keeps rebooting",
            "facts": {"tried.power_cycle": 3, "device.model": "K-9",
                      "symptoms": ["reboots", "fan noise"]}})
        self.assertStatus(r, 201)
        self.case = r.json
        self.path = "/api/v1/cases/%d/facts" % self.case["id"]

    def facts(self):
        r = self.agent.get(self.path)
        self.assertStatus(r, 200)
        self.assertJSON(r)
        self.assertEqual(set(r.json), {"current", "history"})
        for f in r.json["current"] + r.json["history"]:
            self.assertFact(f)
        return r.json

    def assertFact(self, f):
        self.assertEqual(set(f), FACT_KEYS)
        self.assertIsInstance(f["id"], int)
        self.assertIn(f["source"], ("customer", "agent", "system", "channel"))
        self.assertEqual(set(f["recorded_by"]), {"kind", "id"})
        self.assertTime(f["created_at"])

    def current(self):
        return {f["key"]: f["value"] for f in self.facts()["current"]}

    def test_facts_from_case_creation(self):
        self.assertEqual(self.current(), {"tried.power_cycle": 3, "device.model": "K-9",
                                          "symptoms": ["reboots", "fan noise"]})
        self.assertEqual(len(self.facts()["history"]), 3)

    def test_put_records_and_history_keeps_every_value(self):
        r = self.agent.put(self.path + "/tried.power_cycle", {"value": 5, "source": "customer"})
        self.assertStatus(r, 200)
        self.assertJSON(r)
        self.assertFact(r.json)
        self.assertEqual((r.json["key"], r.json["value"], r.json["source"]),
                         ("tried.power_cycle", 5, "customer"))
        self.assertEqual(r.json["recorded_by"], {"kind": "agent", "id": self.ids["agent"]})
        r2 = self.supervisor.put(self.path + "/tried.power_cycle", {"value": {"count": 6, "witnessed": True}})
        self.assertStatus(r2, 200)
        facts = self.facts()
        cur = [f for f in facts["current"] if f["key"] == "tried.power_cycle"]
        self.assertEqual(len(cur), 1, "one current value per key")
        self.assertEqual(cur[0]["value"], {"count": 6, "witnessed": True})
        self.assertEqual(cur[0]["id"], r2.json["id"])
        hist = [f["value"] for f in facts["history"] if f["key"] == "tried.power_cycle"]
        self.assertEqual(sorted(map(repr, hist)),
                         sorted(map(repr, [3, 5, {"count": 6, "witnessed": True}])))
        self.assertEqual(len(facts["current"]), 3)

    def test_new_key_and_json_values(self):
        for key, value in [("router.firmware", "1.2.3"), ("verified", True), ("attempts", 0),
                           ("ratio", 0.5), ("steps_done", [1, 2, {"x": None}]), ("note_ref", None)]:
            with self.subTest(key=key):
                r = self.agent.put(self.path + "/" + key, {"value": value, "source": "agent"})
                self.assertStatus(r, 200)
                self.assertEqual(r.json["value"], value)
                self.assertEqual(self.current()[key], value)

    def test_sources(self):
        for src in ("customer", "agent", "system", "channel"):
            r = self.agent.put(self.path + "/src." + src, {"value": 1, "source": src})
            self.assertStatus(r, 200)
            self.assertEqual(r.json["source"], src)

    def test_bad_input(self):
        before = self.facts()
        for key, body, status, code, field in [
                ("Bad Key!", {"value": 1}, 422, "invalid_value", None),
                ("has space", {"value": 1}, 422, "invalid_value", None),
                ("ok.key", {}, 400, "bad_request", "value"),
                ("ok.key", {"value": 1, "source": "rumour"}, 422, "invalid_value", "source"),
                ("ok.key", {"value": 1, "source": 3}, 400, "bad_request", "source")]:
            with self.subTest(key=key, body=body):
                self.assertError(self.agent.put(self.path + "/" + q(key), body), status, code, field)
        self.assertError(self.agent.put(self.path + "/ok.key", raw=b'{"value": }'), 400, "bad_request")
        self.assertError(self.agent.put(self.path + "/ok.key", raw=b'{"value": 1}', ctype="text/plain"),
                         415, "unsupported_media_type")
        self.assertEqual(self.facts(), before, "a refused fact was written")

    def test_unknown_case(self):
        self.assertError(self.agent.get("/api/v1/cases/999999/facts"), 404, "not_found")
        self.assertError(self.agent.put("/api/v1/cases/999999/facts/a.b", {"value": 1}), 404, "not_found")
        self.assertError(self.agent.put("/api/v1/cases/x/facts/a.b", {"value": 1}), 404, "not_found")
