"""Never ask twice: verification that travels with the case, customer effort,
guided flows that skip what the case knows, the transfer summary, and story
003 replayed end to end (facts before the agent joins, flow A part way, a
switch to flow B, not one step asked twice)."""

import copy
import json

from harness import ServerTest, add_agent, unique

SHOP = "http://shop.test"

# Two flows that share facts, as a support team's would: "no internet" and
# "slow Wi-Fi" both need the model and a power cycle.
FLOW_A = {
    "title": "Router: no internet",
    "start": "model",
    "auto_queues": ["routers"],
    "steps": [
        {"id": "model", "type": "question", "fact": "device.model", "label": "Router model",
         "text": "Which router model is it?", "audience": "customer", "answer": "choice",
         "options": ["HX-200", "HX-300"], "next": "power"},
        {"id": "power", "type": "action", "fact": "tried.power_cycle", "label": "Power cycled",
         "text": "Unplug the router for 30 seconds and plug it back in.",
         "audience": "customer", "answer": "yes_no", "next": "lights"},
        {"id": "lights", "type": "question", "fact": "device.red_light", "label": "Red light",
         "text": "Which light is red?", "audience": "customer", "answer": "choice",
         "options": ["none", "internet", "power"],
         "branches": [{"when": "none", "next": "fixed"}, {"when": "power", "next": "swap"}],
         "next": "line"},
        {"id": "line", "type": "action", "fact": "line.test", "label": "Line test",
         "text": "Run a line test from the console.", "audience": "agent", "answer": "choice",
         "options": ["ok", "fault"], "branches": [{"when": "fault", "next": "escalate"}],
         "next": "fixed"},
        {"id": "fixed", "type": "outcome", "outcome": "resolved", "text": "Working again."},
        {"id": "swap", "type": "outcome", "outcome": "replace_unit", "text": "Send a new router."},
        {"id": "escalate", "type": "outcome", "outcome": "escalate", "queue": "network",
         "text": "Line fault: network team."},
    ],
}

FLOW_B = {
    "title": "Router: slow Wi-Fi",
    "start": "model",
    "steps": [
        {"id": "model", "type": "question", "fact": "device.model", "label": "Router model",
         "text": "Which router model is it?", "audience": "customer", "answer": "choice",
         "options": ["HX-200", "HX-300"], "next": "power"},
        {"id": "power", "type": "action", "fact": "tried.power_cycle", "label": "Power cycled",
         "text": "Power cycle the router.", "audience": "customer", "answer": "yes_no",
         "next": "line"},
        {"id": "line", "type": "action", "fact": "line.test", "label": "Line test",
         "text": "Run a line test.", "audience": "agent", "answer": "choice",
         "options": ["ok", "fault"], "next": "channel"},
        {"id": "channel", "type": "action", "fact": "tried.wifi_channel", "label": "Channel changed",
         "text": "Change the Wi-Fi channel to 1, 6 or 11.", "audience": "customer",
         "answer": "yes_no", "branches": [{"when": True, "next": "fixed"}], "next": "swap"},
        {"id": "fixed", "type": "outcome", "outcome": "resolved", "text": "Fast again."},
        {"id": "swap", "type": "outcome", "outcome": "replace_unit"},
    ],
}


class NeverAskTwice(ServerTest):
    @classmethod
    def extra_setup_cli(cls):
        cls.tokens["agent2"] = add_agent(cls.db, "agent2@example.com", "Second Agent", "agent")

    @classmethod
    def server_env(cls):
        return {"HEED_VERIFY_VALID_MINUTES": "30"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids["agent2"] = cls.anon.get("/api/v1/me", token=cls.tokens["agent2"]).json["id"]
        for name in ("support", "routers", "network"):
            r = cls.admin.post("/api/v1/queues", {"name": name})
            assert r.status == 201, r
        r = cls.admin.post("/api/v1/sites", {"key": "shop", "name": "Shop", "queue": "routers",
                                             "origins": SHOP})
        assert r.status == 201, r
        cls.key_a, cls.key_b = unique("a-router"), unique("b-router")
        for key, doc in ((cls.key_a, FLOW_A), (cls.key_b, FLOW_B)):
            r = cls.supervisor.put("/api/v1/flows/" + key, doc)
            assert r.status == 201, r

    # ---- helpers ----

    def case(self, **extra):
        return self.new_case(subject=unique("router"), **extra)

    def verify(self, cid, client=None, **body):
        body.setdefault("method", "phone_pin")
        return (client or self.agent).post("/api/v1/cases/%d/verifications" % cid, body)

    def start(self, cid, key, client=None):
        return (client or self.agent).post("/api/v1/cases/%d/flow-runs" % cid, {"flow": key})

    def answer(self, run_id, step, value, client=None, **extra):
        body = dict({"step": step, "value": value}, **extra)
        return (client or self.agent).post("/api/v1/flow-runs/%d/answers" % run_id, body)

    def effort(self, cid):
        r = self.agent.get("/api/v1/cases/%d/effort" % cid)
        self.assertStatus(r, 200)
        return r.json

    def status_token(self, cid):
        r = self.agent.post("/api/v1/cases/%d/status-link" % cid, {})
        self.assertStatus(r, 200)
        return r.json["url"].split("#", 1)[1]

    def fact_history(self, cid):
        r = self.agent.get("/api/v1/cases/%d/facts" % cid)
        self.assertStatus(r, 200)
        return r.json["history"]

    # ---- verification ----

    def test_verification_is_recorded_shown_and_holds_for_every_agent(self):
        cid = self.case()["id"]
        r = self.verify(cid, detail="account number and PIN", via="phone menu")
        self.assertStatus(r, 201)
        v = r.json
        self.assertEqual((v["method"], v["level"], v["detail"], v["via"]),
                         ("phone_pin", "medium", "account number and PIN", "phone menu"))
        self.assertEqual(v["by"], {"kind": "agent", "id": self.ids["agent"]})
        self.assertIsNone(v["reason"])
        self.assertTime(v["valid_until"])
        # another agent sees it as current; the window is the configured 30 minutes
        r = self.anon.get("/api/v1/cases/%d/verifications" % cid, token=self.tokens["agent2"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["current"]["id"], v["id"])
        self.assertEqual(r.json["valid_minutes"], 30)
        self.assertEqual(r.json["reverifications"], 0)
        self.assertIn("high_risk_change", r.json["reasons"])
        # and it is on the timeline as an event
        evs = self.agent.get("/api/v1/cases/%d/events" % cid).json["items"]
        ver = [e for e in evs if e["type"] == "verification"]
        self.assertEqual(len(ver), 1)
        self.assertEqual(ver[0]["data"]["method"], "phone_pin")
        self.assertEqual(ver[0]["data"]["via"], "phone menu")

    def test_asking_again_needs_a_reason_and_is_counted(self):
        cid = self.case()["id"]
        self.assertStatus(self.verify(cid, via="phone menu"), 201)
        before = len(self.agent.get("/api/v1/cases/%d/events" % cid).json["items"])
        r = self.verify(cid, client=self.anon.__class__(self.port, self.tokens["agent2"]),
                        method="agent_questions")
        self.assertError(r, 409, "conflict", "reason")
        self.assertEqual(r.json["error"]["reason"], "already_verified")
        self.assertIn("high_risk_change", r.json["error"]["allowed"])
        # nothing was written by the refusal
        self.assertEqual(len(self.agent.get("/api/v1/cases/%d/events" % cid).json["items"]), before)
        r = self.verify(cid, method="agent_questions", reason="bananas")
        self.assertError(r, 422, "invalid_value", "reason")
        r = self.verify(cid, method="agent_questions", level="high", reason="high_risk_change")
        self.assertStatus(r, 201)
        self.assertEqual(r.json["reason"], "high_risk_change")
        s = self.agent.get("/api/v1/cases/%d/verifications" % cid).json
        self.assertEqual(s["reverifications"], 1)
        self.assertEqual(s["current"]["level"], "high")
        self.assertEqual(len(s["items"]), 2)
        e = self.effort(cid)
        self.assertEqual((e["reverifications"], e["repeat_questions"]), (1, 0))
        self.assertEqual(e["items"][0]["detail"], "high_risk_change")

    def test_verification_bad_input(self):
        cid = self.case()["id"]
        self.assertError(self.verify(cid, method="retina"), 422, "invalid_value", "method")
        self.assertError(self.verify(cid, level="ultra"), 422, "invalid_value", "level")
        self.assertError(self.verify(cid, detail="x" * 201), 422, "invalid_value", "detail")
        self.assertError(self.verify(cid, via="a\nb"), 422, "invalid_value", "via")
        self.assertError(self.agent.post("/api/v1/cases/%d/verifications" % cid, {}),
                         400, "bad_request", "method")
        self.assertError(self.verify(999999), 404, "not_found")
        r = self.agent.request("POST", "/api/v1/cases/%d/verifications" % cid,
                               raw=b'{"method": "phone_pin"', headers={"Content-Type": "application/json"})
        self.assertStatus(r, 400)
        self.assertIsNone(self.agent.get("/api/v1/cases/%d/verifications" % cid).json["current"])

    # ---- flows: definitions ----

    def test_flow_versions_and_validation(self):
        key = unique("v-flow")
        doc = copy.deepcopy(FLOW_B)
        r = self.supervisor.put("/api/v1/flows/" + key, doc)
        self.assertStatus(r, 201)
        self.assertEqual((r.json["version"], r.json["title"]), (1, "Router: slow Wi-Fi"))
        doc["title"] = "Router: slow Wi-Fi (v2)"
        r = self.supervisor.put("/api/v1/flows/" + key, doc)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["version"], 2)
        self.assertEqual(self.agent.get("/api/v1/flows/" + key).json["version"], 2)
        self.assertEqual(self.agent.get("/api/v1/flows/%s?version=1" % key).json["title"],
                         "Router: slow Wi-Fi")
        vs = self.agent.get("/api/v1/flows/%s/versions" % key).json["items"]
        self.assertEqual([v["version"] for v in vs], [2, 1])
        listed = {f["key"]: f["version"] for f in self.agent.get("/api/v1/flows").json["items"]}
        self.assertEqual(listed[key], 2)
        self.assertError(self.agent.get("/api/v1/flows/%s?version=9" % key), 404, "not_found")
        self.assertError(self.agent.get("/api/v1/flows/nope-none"), 404, "not_found")
        # agents run flows; supervisors write them
        self.assertError(self.agent.put("/api/v1/flows/" + key, doc), 403, "forbidden")

        def bad(mutate, field, status=422):
            d = copy.deepcopy(FLOW_B)
            mutate(d)
            r = self.supervisor.put("/api/v1/flows/" + key, d)
            self.assertError(r, status, "invalid_value" if status == 422 else "too_large", field)
            return r

        bad(lambda d: d["steps"][0].update(next="nowhere"), "steps[0].next")
        bad(lambda d: d["steps"][3].update(next="model"), "steps")       # a loop
        bad(lambda d: d.update(start="ghost"), "start")
        bad(lambda d: d["steps"][1].update(id="model"), "steps[1].id")
        bad(lambda d: d["steps"][1].update(fact="device.model"), "steps[1].fact")
        bad(lambda d: d["steps"][1].update(fact="Not A Key"), "steps[1].fact")
        bad(lambda d: d["steps"][0].update(options=[]), "steps[0].options")
        bad(lambda d: d["steps"][3].update(branches=[{"when": "maybe", "next": "fixed"}]),
            "steps[3].branches[0].when")
        bad(lambda d: d["steps"][0].update(nxet="power"), "steps[0].nxet")
        bad(lambda d: d["steps"][4].update(outcome="party"), "steps[4].outcome")
        bad(lambda d: d["steps"].append({"id": "lost", "type": "outcome", "outcome": "resolved"}),
            "steps[6].id")                                               # unreachable
        bad(lambda d: d.pop("title"), "title")
        r = self.supervisor.request("PUT", "/api/v1/flows/" + key, raw=b'{"title": ',
                                    headers={"Content-Type": "application/json"})
        self.assertStatus(r, 400)
        self.assertError(self.supervisor.put("/api/v1/flows/Bad%20Key", doc), 422, "invalid_value", "key")
        # none of the refusals made a version
        self.assertEqual(self.agent.get("/api/v1/flows/" + key).json["version"], 2)

    # ---- flows: runs ----

    def test_run_skips_known_facts_and_says_who_said_them(self):
        cid = self.case(facts={"device.model": "HX-300", "tried.power_cycle": True})["id"]
        r = self.start(cid, self.key_a)
        self.assertStatus(r, 201)
        run = r.json
        self.assertEqual(run["state"], "active")
        self.assertEqual([k["step"] for k in run["known"]], ["model", "power"])
        self.assertEqual(run["known"][1]["value"], True)
        self.assertEqual(run["known"][1]["source"], "customer")
        self.assertTime(run["known"][1]["at"])
        self.assertEqual(run["current"]["id"], "lights")
        self.assertEqual(run["current"]["options"], ["none", "internet", "power"])
        # starting the same flow again is the same run
        again = self.start(cid, self.key_a)
        self.assertStatus(again, 200)
        self.assertEqual(again.json["id"], run["id"])

    def test_answers_follow_branches_to_an_outcome(self):
        cid = self.case(facts={"device.model": "HX-200"})["id"]
        run = self.start(cid, self.key_a).json
        self.assertEqual(run["current"]["id"], "power")
        r = self.answer(run["id"], "power", True)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["current"]["id"], "lights")
        r = self.answer(run["id"], "lights", "power")
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["current"])
        self.assertEqual(r.json["end"]["outcome"], "replace_unit")
        self.assertEqual((r.json["state"], r.json["outcome"]), ("finished", "replace_unit"))
        evs = [e["type"] for e in self.agent.get("/api/v1/cases/%d/events" % cid).json["items"]]
        self.assertIn("flow_started", evs)
        self.assertIn("flow_outcome", evs)
        self.assertError(self.answer(run["id"], "line", "ok"), 409, "conflict")

    def test_answer_refusals(self):
        cid = self.case(facts={"device.model": "HX-200"})["id"]
        run = self.start(cid, self.key_a).json
        rid = run["id"]
        r = self.answer(rid, "model", "HX-300")
        self.assertError(r, 409, "conflict", "step")
        self.assertEqual(r.json["error"]["reason"], "already_known")
        self.assertIn("HX-200", r.json["error"]["message"])
        r = self.answer(rid, "lights", "none")
        self.assertError(r, 409, "conflict", "step")
        self.assertEqual(r.json["error"]["reason"], "step_not_current")
        self.assertError(self.answer(rid, "power", "yes"), 422, "invalid_value", "value")
        self.assertError(self.answer(rid, "ghost", True), 422, "invalid_value", "step")
        self.assertError(self.answer(rid, "fixed", True), 422, "invalid_value", "step")
        self.assertError(self.agent.post("/api/v1/flow-runs/%d/answers" % rid, {"step": "power"}),
                         400, "bad_request", "value")
        self.assertError(self.answer(999999, "power", True), 404, "not_found")
        self.assertError(self.start(cid, "no-such-flow"), 404, "not_found", "flow")
        self.assertError(self.start(999999, self.key_a), 404, "not_found")
        # nothing above recorded a fact or effort
        self.assertEqual(len(self.fact_history(cid)), 1)
        self.assertEqual(self.effort(cid)["repeat_questions"], 0)

    def test_asking_for_a_known_fact_is_flagged_as_effort(self):
        cid = self.case(facts={"device.model": "HX-200"})["id"]
        run = self.start(cid, self.key_a).json
        r = self.answer(run["id"], "model", "HX-300", ask_again=True)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["known"][0]["value"], "HX-300")
        # an agent typing in what the customer said again, outside a flow, too
        r = self.agent.put("/api/v1/cases/%d/facts/device.model" % cid,
                           {"value": "HX-300", "source": "customer"})
        self.assertStatus(r, 200)
        # the agent's own observation is not customer effort
        self.assertStatus(self.agent.put("/api/v1/cases/%d/facts/device.model" % cid,
                                         {"value": "HX-300", "source": "agent"}), 200)
        e = self.effort(cid)
        self.assertEqual(e["repeat_questions"], 2)
        self.assertEqual([i["detail"] for i in e["items"]], ["device.model", "device.model"])
        flags = [ev for ev in self.agent.get("/api/v1/cases/%d/events" % cid).json["items"]
                 if ev["type"] == "effort"]
        self.assertEqual(len(flags), 2)
        self.assertEqual(flags[0]["visibility"], "internal")

    def test_customer_answers_on_the_status_page_only_their_steps(self):
        cid = self.case()["id"]
        token = self.status_token(cid)
        page = self.anon.get("/api/v1/status/" + token).json
        self.assertIsNone(page["guided"])
        r = self.anon.post("/api/v1/status/%s/answers" % token, {"step": "model", "value": "HX-200"})
        self.assertError(r, 409, "conflict")
        self.start(cid, self.key_a)
        g = self.anon.get("/api/v1/status/" + token).json["guided"]
        self.assertEqual(g["question"]["id"], "model")
        self.assertNotIn("fact", g["question"])
        r = self.anon.post("/api/v1/status/%s/answers" % token, {"step": "model", "value": "HX-200"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["question"]["id"], "power")
        self.assertEqual(r.json["answered"], 1)
        self.assertStatus(self.anon.post("/api/v1/status/%s/answers" % token,
                                         {"step": "power", "value": True}), 200)
        r = self.anon.post("/api/v1/status/%s/answers" % token, {"step": "lights", "value": "internet"})
        self.assertStatus(r, 200)
        self.assertIsNone(r.json["question"], "the next step is the agent's")
        r = self.anon.post("/api/v1/status/%s/answers" % token, {"step": "line", "value": "ok"})
        self.assertError(r, 422, "invalid_value", "step")
        r = self.anon.post("/api/v1/status/%s/answers" % token, {"step": "model", "value": "HX-300"})
        self.assertError(r, 409, "conflict", "step")
        self.assertError(self.anon.post("/api/v1/status/nope/answers", {"step": "model", "value": 1}),
                         404, "not_found")
        hist = self.fact_history(cid)
        self.assertEqual({f["key"]: f["source"] for f in hist},
                         {"device.model": "customer", "tried.power_cycle": "customer",
                          "device.red_light": "customer"})
        self.assertTrue(all(f["recorded_by"]["kind"] == "customer" for f in hist))

    def test_chat_customer_answers_while_waiting(self):
        r = self.anon.post("/api/v1/chat/sessions", {"site": "shop", "subject": "No internet at all"},
                           headers={"Origin": SHOP})
        self.assertStatus(r, 201)
        tok = r.json["token"]
        cid = r.json["contact"]["case_id"]
        # the site's queue starts flow A by itself
        hdr = {"Origin": SHOP}
        r = self.anon.get("/api/v1/chat/questions", token=tok, headers=hdr)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["title"], "Router: no internet")
        self.assertEqual(r.json["question"]["id"], "model")
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), SHOP)
        r = self.anon.post("/api/v1/chat/answers", {"step": "model", "value": "HX-300"},
                           token=tok, headers=hdr)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["question"]["id"], "power")
        self.assertError(self.anon.post("/api/v1/chat/answers", {"step": "power", "value": 3},
                                        token=tok, headers=hdr), 422, "invalid_value", "value")
        self.assertError(self.anon.get("/api/v1/chat/questions", token="heedv_nope", headers=hdr),
                         401, "unauthorized")
        runs = self.agent.get("/api/v1/cases/%d/flow-runs" % cid).json
        self.assertEqual(runs["active"]["known"][0]["value"], "HX-300")
        self.assertEqual(runs["active"]["current"]["id"], "power")

    # ---- handoffs ----

    def test_transfer_summary_from_what_the_case_holds(self):
        cid = self.case(facts={"device.model": "HX-200"},
                        message="My router drops every evening")["id"]
        self.assertStatus(self.verify(cid, detail="account number and PIN", via="phone menu"), 201)
        self.start(cid, self.key_a)
        self.assertStatus(self.agent.post("/api/v1/cases/%d/promises" % cid,
                                          {"kind": "callback", "in_minutes": 600,
                                           "confirm_short": True}), 201)
        r = self.agent.get("/api/v1/cases/%d/handoff-draft" % cid)
        self.assertStatus(r, 200)
        s = r.json["summary"]
        for part in ("verified by account number and PIN, phone menu", "device.model",
                     "HX-200", "Router: no internet", "Unplug the router", "callback by",
                     "My router drops every evening", "Do not ask again"):
            self.assertIn(part, s)
        edited = s + "\nCustomer prefers email."
        r = self.agent.post("/api/v1/cases/%d/handoffs" % cid,
                            {"to_agent_id": self.ids["agent2"], "summary": edited})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["type"], "handoff")
        self.assertEqual(r.json["visibility"], "internal")
        c = self.agent.get("/api/v1/cases/%d" % cid).json
        self.assertEqual(c["owner_id"], self.ids["agent2"])
        # the receiving agent reads it first
        r = self.anon.get("/api/v1/cases/%d/handoffs" % cid, token=self.tokens["agent2"])
        self.assertStatus(r, 200)
        self.assertEqual(r.json["items"][0]["body"], edited)
        self.assertEqual(r.json["items"][0]["data"]["to"], self.ids["agent2"])

    def test_transfer_bad_input_writes_nothing(self):
        c = self.case()
        cid = c["id"]
        path = "/api/v1/cases/%d/handoffs" % cid
        self.assertError(self.agent.post(path, {"summary": "x"}), 400, "bad_request", "to_agent_id")
        self.assertError(self.agent.post(path, {"to_agent_id": self.ids["agent2"]}),
                         400, "bad_request", "summary")
        self.assertError(self.agent.post(path, {"to_agent_id": self.ids["agent2"], "summary": "  "}),
                         422, "invalid_value", "summary")
        self.assertError(self.agent.post(path, {"to_agent_id": self.ids["agent2"],
                                                "summary": "x" * 4001}),
                         422, "invalid_value", "summary")
        self.assertError(self.agent.post(path, {"to_agent_id": 999999, "summary": "over to you"}),
                         422, "invalid_value", "to_agent_id")
        self.assertError(self.agent.post(path, {"queue": "no such queue!", "summary": "over"}),
                         422, "invalid_value", "queue")
        self.assertError(self.agent.post("/api/v1/cases/999999/handoffs",
                                         {"to_agent_id": self.ids["agent2"], "summary": "x"}),
                         404, "not_found")
        self.assertEqual(self.agent.get(path).json["items"], [])
        self.assertEqual(self.agent.get("/api/v1/cases/%d" % cid).json["owner_id"], c["owner_id"])

    # ---- story 003, end to end ----

    def test_story_003_not_one_step_asked_twice(self):
        """The customer already did the maintenance (three times); a first
        script runs part way; a second script follows.  Every question put
        to the customer is one the case could not answer yet."""
        # before any agent: the pre-chat form says what was tried
        cid = self.case(facts={"tried.power_cycle": True, "device.model": "HX-300"},
                        message="Power cycled it three times already. Still no internet.",
                        fact_source="customer")["id"]
        token = self.status_token(cid)
        asked = []                    # (flow, step, fact) of every step answered

        def known_facts():
            return {f["key"] for f in self.agent.get("/api/v1/cases/%d/facts" % cid).json["current"]}

        def put(view, flow):
            cur = view["current"]
            if cur is not None:
                self.assertNotIn(cur["fact"], known_facts(),
                                 "%s asks for %s, which the case holds" % (flow, cur["fact"]))
            return cur

        # agent 1 runs flow A: model and power cycle are known, shown as such
        run_a = self.start(cid, self.key_a).json
        self.assertEqual([k["fact"] for k in run_a["known"]], ["device.model", "tried.power_cycle"])
        self.assertEqual({k["source"] for k in run_a["known"]}, {"customer"})
        cur = put(run_a, "A")
        self.assertEqual(cur["id"], "lights")
        # the customer answers it on their status page before an agent does
        g = self.anon.get("/api/v1/status/" + token).json["guided"]
        self.assertEqual(g["question"]["id"], "lights")
        self.assertStatus(self.anon.post("/api/v1/status/%s/answers" % token,
                                         {"step": "lights", "value": "internet"}), 200)
        asked.append(("A", "lights", "device.red_light"))
        run_a = self.agent.get("/api/v1/flow-runs/%d" % run_a["id"]).json
        cur = put(run_a, "A")
        self.assertEqual(cur["id"], "line")
        # part way: the agent decides it is really a Wi-Fi problem and switches
        r = self.start(cid, self.key_b)
        self.assertStatus(r, 201)
        run_b = r.json
        self.assertEqual(self.agent.get("/api/v1/flow-runs/%d" % run_a["id"]).json["state"], "switched")
        self.assertEqual([k["fact"] for k in run_b["known"]], ["device.model", "tried.power_cycle"])
        cur = put(run_b, "B")
        self.assertEqual(cur["id"], "line", "B goes on where the case stands, not from its start")
        r = self.answer(run_b["id"], "line", "ok")
        self.assertStatus(r, 200)
        asked.append(("B", "line", "line.test"))
        cur = put(r.json, "B")
        self.assertEqual(cur["id"], "channel")
        # handed to a second agent, who picks the run up with nothing asked again
        summary = self.agent.get("/api/v1/cases/%d/handoff-draft" % cid).json["summary"]
        self.assertIn("Change the Wi-Fi channel", summary)
        self.assertStatus(self.agent.post("/api/v1/cases/%d/handoffs" % cid,
                                          {"to_agent_id": self.ids["agent2"], "summary": summary}), 201)
        runs = self.anon.get("/api/v1/cases/%d/flow-runs" % cid, token=self.tokens["agent2"]).json
        self.assertEqual(runs["active"]["id"], run_b["id"])
        self.assertEqual(runs["active"]["current"]["id"], "channel")
        r = self.answer(run_b["id"], "channel", True, client=self.anon.__class__(self.port, self.tokens["agent2"]))
        self.assertStatus(r, 200)
        asked.append(("B", "channel", "tried.wifi_channel"))
        self.assertEqual((r.json["state"], r.json["outcome"]), ("finished", "resolved"))
        # not one step asked twice, and each fact was recorded exactly once
        facts = [a[2] for a in asked]
        self.assertEqual(len(facts), len(set(facts)), asked)
        self.assertEqual(len(asked), 3, "model and power cycle were never asked")
        keys = [f["key"] for f in self.fact_history(cid)]
        self.assertEqual(sorted(keys), sorted(set(keys)), "a fact was recorded twice")
        self.assertEqual(self.effort(cid), {"repeat_questions": 0, "reverifications": 0, "items": []})
