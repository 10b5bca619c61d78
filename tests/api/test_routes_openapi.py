"""The router's route table equals docs/openapi.yaml, and the document is sound.

`heed routes` prints one line per route, `METHOD /path/{param}`; the set of
(METHOD, path) must equal the OpenAPI paths and methods, both ways. The
records of the promise, SLA, alert and status-page routes, and the case, are
checked against their schemas on a live server.
"""

import datetime
import os
import re
import subprocess
import time
import unittest

import yaml

from harness import HEED_BIN, ROOT, ServerTest

SPEC_PATH = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# The customer's status page: no login, the token in the path is the
# credential; a token that opens nothing is 404 whoever asks.
STATUS_TOKEN = {("GET", "/api/v1/status/{token}"), ("POST", "/api/v1/status/{token}/messages"),
                ("POST", "/api/v1/status/{token}/followup"), ("POST", "/api/v1/status/{token}/answers")}
# Routes anyone may call; the widget's chat routes check the site's origin.
PUBLIC = {("GET", "/healthz"), ("GET", "/metrics"), ("POST", "/api/v1/sessions"),
          ("POST", "/api/v1/chat/sessions"), ("OPTIONS", "/api/v1/chat/sessions"),
          ("OPTIONS", "/api/v1/chat/transcript"), ("OPTIONS", "/api/v1/chat/transcript/email"),
          ("OPTIONS", "/api/v1/chat/questions"), ("OPTIONS", "/api/v1/chat/answers"),
          ("GET", "/widget.js"), ("GET", "/console/"), ("GET", "/console/{file}"),
          ("GET", "/demo/"), ("GET", "/status/"), ("GET", "/status/{file}")} | STATUS_TOKEN
# Routes for a chat visitor's token (heedv_...), not for staff tokens.
VISITOR = {("GET", "/api/v1/chat/transcript"), ("POST", "/api/v1/chat/transcript/email"),
           ("GET", "/api/v1/chat/questions"), ("POST", "/api/v1/chat/answers")}
ADMIN_ONLY = {("POST", "/api/v1/agents"), ("PATCH", "/api/v1/agents/{id}"),
              ("POST", "/api/v1/queues"), ("GET", "/api/v1/sites"), ("POST", "/api/v1/sites"),
              ("PUT", "/api/v1/calendars/{name}"), ("POST", "/api/v1/sla-policies"),
              ("DELETE", "/api/v1/sla-policies/{queue}/{priority}"),
              ("PUT", "/api/v1/action-policies/{kind}")}  # resolution powers
SUPERVISOR_UP = {("GET", "/api/v1/agents"), ("GET", "/api/v1/agents/{id}"),
                 ("GET", "/api/v1/chat/stats"), ("PUT", "/api/v1/flows/{key}"),
                 # resolution powers
                 ("GET", "/api/v1/approvals"), ("POST", "/api/v1/actions/{id}/approve"),
                 ("POST", "/api/v1/actions/{id}/decline")}
ROLE_GATED = ADMIN_ONLY | SUPERVISOR_UP


def load_spec():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def spec_routes(spec):
    return {(m.upper(), path) for path, item in spec["paths"].items()
            for m in item if m in METHODS}


def operations(spec):
    for path, item in spec["paths"].items():
        for m, op in item.items():
            if m in METHODS:
                yield m.upper(), path, op


class RoutesMatchOpenAPI(unittest.TestCase):
    def test_route_table_equals_openapi(self):
        if not os.access(HEED_BIN, os.X_OK):
            self.fail("no server binary at %s" % HEED_BIN)
        p = subprocess.run([HEED_BIN, "routes"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, "heed routes: %s" % p.stderr)
        served, bad = set(), []
        for line in p.stdout.splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or not parts[1].startswith("/"):
                bad.append(line)
                continue
            served.add((parts[0], parts[1]))
        self.assertEqual(bad, [], "lines not of the form 'METHOD /path'")
        documented = spec_routes(load_spec())
        missing = sorted(documented - served)
        extra = sorted(served - documented)
        msg = []
        if missing:
            msg.append("documented but not routed:\n  " +
                       "\n  ".join("%s %s" % r for r in missing))
        if extra:
            msg.append("routed but not documented:\n  " +
                       "\n  ".join("%s %s" % r for r in extra))
        if msg:
            self.fail("\n".join(msg))


class OpenAPIDocument(unittest.TestCase):
    """Checks that need no server."""

    @classmethod
    def setUpClass(cls):
        cls.spec = load_spec()

    def test_version_and_security_schemes(self):
        self.assertEqual(self.spec["openapi"], "3.0.3")
        schemes = self.spec["components"]["securitySchemes"]
        self.assertEqual(schemes["bearer"]["scheme"], "bearer")
        self.assertEqual(schemes["cookie"]["in"], "cookie")
        self.assertEqual(schemes["cookie"]["name"], "heed_session")

    def test_contract_routes_documented(self):
        want = {
            ("GET", "/healthz"), ("GET", "/metrics"),
            ("POST", "/api/v1/sessions"), ("DELETE", "/api/v1/sessions"),
            ("GET", "/api/v1/me"),
            ("GET", "/api/v1/agents"), ("POST", "/api/v1/agents"),
            ("GET", "/api/v1/agents/{id}"), ("PATCH", "/api/v1/agents/{id}"),
            ("GET", "/api/v1/customers"), ("POST", "/api/v1/customers"),
            ("GET", "/api/v1/customers/lookup"),
            ("GET", "/api/v1/customers/{id}"), ("PATCH", "/api/v1/customers/{id}"),
            # customer records (issue 5)
            ("GET", "/api/v1/customers/{id}/history"), ("POST", "/api/v1/customers/{id}/merge"),
            ("GET", "/api/v1/cases"), ("POST", "/api/v1/cases"),
            ("GET", "/api/v1/cases/{id}"), ("PATCH", "/api/v1/cases/{id}"),
            ("GET", "/api/v1/cases/{id}/events"), ("POST", "/api/v1/cases/{id}/events"),
            ("GET", "/api/v1/cases/{id}/facts"),
            ("PUT", "/api/v1/cases/{id}/facts/{key}"),
            ("GET", "/api/v1/cases/{id}/promises"), ("POST", "/api/v1/cases/{id}/promises"),
            ("GET", "/api/v1/cases/{id}/sla"),
            ("POST", "/api/v1/cases/{id}/status-link"),
            ("DELETE", "/api/v1/cases/{id}/status-link"),
            ("GET", "/api/v1/promises/proposal"),
            ("POST", "/api/v1/promises/{id}/cancel"), ("POST", "/api/v1/promises/{id}/revise"),
            ("GET", "/api/v1/alerts"), ("POST", "/api/v1/alerts/{id}/ack"),
            ("GET", "/api/v1/calendars"), ("PUT", "/api/v1/calendars/{name}"),
            ("GET", "/api/v1/sla-policies"), ("POST", "/api/v1/sla-policies"),
            ("DELETE", "/api/v1/sla-policies/{queue}/{priority}"),
            ("GET", "/api/v1/status/{token}"), ("POST", "/api/v1/status/{token}/messages"),
            ("POST", "/api/v1/status/{token}/followup"),
            ("POST", "/api/v1/chat/sessions"), ("OPTIONS", "/api/v1/chat/sessions"),
            ("GET", "/api/v1/chat/transcript"), ("OPTIONS", "/api/v1/chat/transcript"),
            ("POST", "/api/v1/chat/transcript/email"),
            ("OPTIONS", "/api/v1/chat/transcript/email"),
            ("GET", "/api/v1/chat/stats"),
            ("GET", "/api/v1/queues"), ("POST", "/api/v1/queues"),
            ("GET", "/api/v1/sites"), ("POST", "/api/v1/sites"),
            ("GET", "/api/v1/saved-replies"), ("POST", "/api/v1/saved-replies"),
            ("DELETE", "/api/v1/saved-replies/{id}"),
            ("GET", "/widget.js"), ("GET", "/console/"), ("GET", "/console/{file}"),
            ("GET", "/demo/"), ("GET", "/status/"), ("GET", "/status/{file}"),
            ("GET", "/api/v1/cases/{id}/verifications"),
            ("POST", "/api/v1/cases/{id}/verifications"),
            ("GET", "/api/v1/cases/{id}/effort"), ("GET", "/api/v1/cases/{id}/handoff-draft"),
            ("GET", "/api/v1/cases/{id}/handoffs"), ("POST", "/api/v1/cases/{id}/handoffs"),
            ("GET", "/api/v1/cases/{id}/flow-runs"), ("POST", "/api/v1/cases/{id}/flow-runs"),
            ("GET", "/api/v1/flow-runs/{id}"), ("POST", "/api/v1/flow-runs/{id}/answers"),
            ("GET", "/api/v1/flows"), ("GET", "/api/v1/flows/{key}"),
            ("PUT", "/api/v1/flows/{key}"), ("GET", "/api/v1/flows/{key}/versions"),
            ("POST", "/api/v1/status/{token}/answers"),
            ("GET", "/api/v1/chat/questions"), ("OPTIONS", "/api/v1/chat/questions"),
            ("POST", "/api/v1/chat/answers"), ("OPTIONS", "/api/v1/chat/answers"),
            # resolution powers
            ("GET", "/api/v1/action-policies"), ("PUT", "/api/v1/action-policies/{kind}"),
            ("GET", "/api/v1/cases/{id}/actions"), ("POST", "/api/v1/cases/{id}/actions"),
            ("GET", "/api/v1/approvals"), ("POST", "/api/v1/actions/{id}/approve"),
            ("POST", "/api/v1/actions/{id}/decline"), ("POST", "/api/v1/actions/{id}/cancel"),
        }
        self.assertEqual(spec_routes(self.spec), want)

    def test_schemas_present(self):
        schemas = self.spec["components"]["schemas"]
        for name in ("Agent", "Customer", "Identifier", "Case", "Event", "Fact", "Error",
                     "Promise", "PromiseProposal", "SlaClock", "Alert", "Calendar", "SlaPolicy",
                     "StatusView", "StatusLink"):
            self.assertIn(name, schemas)
        agent = schemas["Agent"]["properties"]
        self.assertEqual(set(agent), {"id", "name", "email", "role", "skills", "capacity",
                                      "created_at", "updated_at"})
        case = schemas["Case"]
        for f in ("next_action_at", "plan", "status_url"):
            self.assertIn(f, case["properties"])
            self.assertIn(f, case["required"])
        self.assertIn("confirm_new", schemas["CaseCreate"]["properties"])
        self.assertIn("next_action_at", schemas["CasePatch"]["properties"])
        self.assertIn("plan", schemas["CasePatch"]["properties"])
        self.assertIn("call", schemas["EventCreate"]["properties"]["type"]["enum"])
        self.assertIn("call", schemas["EventType"]["enum"])
        self.assertIn("related_id", schemas["Error"]["properties"]["error"]["properties"])

    def test_every_schema_property_has_a_type(self):
        """A flow mapping with an unquoted comma (`description: a, b`) parses
        as a stray key with a null value; catch that anywhere."""
        def walk(node, where):
            if isinstance(node, dict):
                for k, v in node.items():
                    self.assertIsNotNone(v, "%s/%s is null (unquoted ', ' or ': '?)" % (where, k))
                    walk(v, "%s/%s" % (where, k))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s/%d" % (where, i))
        walk(self.spec, "")

    def test_refs_resolve(self):
        def walk(node, where):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if ref is not None:
                    self.assertTrue(ref.startswith("#/"), "%s: external ref %s" % (where, ref))
                    target = self.spec
                    for part in ref[2:].split("/"):
                        self.assertIn(part, target, "%s: dangling ref %s" % (where, ref))
                        target = target[part]
                for k, v in node.items():
                    walk(v, "%s/%s" % (where, k))
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    walk(v, "%s/%d" % (where, i))
        walk(self.spec, "")

    def test_every_operation_lists_its_codes(self):
        public = PUBLIC
        visitor = VISITOR
        # 403: a role check, or a refusal of who is asking (origin, signature,
        # another agent's saved reply)
        role_gated = ROLE_GATED | {("POST", "/api/v1/chat/sessions"),
                                   ("POST", "/api/v1/saved-replies"),
                                   ("DELETE", "/api/v1/saved-replies/{id}"),
                                   ("POST", "/api/v1/alerts/{id}/ack")}
        ids = set()
        for method, path, op in operations(self.spec):
            with self.subTest(route="%s %s" % (method, path)):
                codes = set(op["responses"])
                self.assertTrue(op.get("operationId"))
                self.assertNotIn(op["operationId"], ids, "duplicate operationId")
                ids.add(op["operationId"])
                self.assertTrue(any(c.startswith("2") for c in codes), "no 2xx")
                if (method, path) in public:
                    self.assertEqual(op.get("security"), [], "must need no auth")
                elif (method, path) in visitor:
                    self.assertEqual(op.get("security"), [{"visitor": []}], "visitor token")
                    self.assertIn("401", codes)
                else:
                    self.assertNotIn("security", op, "inherits bearer + cookie")
                    self.assertIn("401", codes)
                self.assertEqual("403" in codes, (method, path) in role_gated, "403 iff role-gated")
                if "{id}" in path or "{token}" in path or (method, path) == (
                        "DELETE", "/api/v1/sla-policies/{queue}/{priority}"):
                    self.assertIn("404", codes)
                if (method, path) in STATUS_TOKEN:
                    self.assertNotIn("401", codes, "the token in the path is the credential")
                    self.assertIn("token is the credential", op["summary"])
                if "requestBody" in op:
                    for c in ("400", "413", "415", "422"):
                        self.assertIn(c, codes)
                if (method, path) in ADMIN_ONLY:
                    self.assertIn("(admin)", op["summary"])
                for seg in path.split("/"):
                    if seg.startswith("{"):
                        self.assertIn(seg, ("{id}", "{key}", "{file}", "{name}", "{queue}",
                                            "{priority}", "{token}", "{kind}"))


if __name__ == "__main__":
    unittest.main()


def conforms(spec, schema, value, where="$"):
    """The ways value breaks schema (a subset of OpenAPI 3.0: $ref, allOf,
    oneOf, nullable, type, enum, pattern, minimum/maximum, properties,
    required, additionalProperties: false, items); [] when it conforms."""
    if "$ref" in schema:
        node = spec
        for part in schema["$ref"][2:].split("/"):
            node = node[part]
        return conforms(spec, node, value, where)
    if value is None:
        if schema.get("nullable"):
            return []
        if "allOf" in schema and all(conforms(spec, s, None) == [] for s in schema["allOf"]):
            return []
        return ["%s: null, not nullable" % where]
    bad = []
    for sub in schema.get("allOf", []):
        bad += conforms(spec, sub, value, where)
    if "oneOf" in schema:
        n = sum(1 for sub in schema["oneOf"] if not conforms(spec, sub, value, where))
        if n != 1:
            bad.append("%s: %r matches %d of oneOf" % (where, value, n))
    kinds = {"object": dict, "array": list, "string": str, "boolean": bool}
    t = schema.get("type")
    if t == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return bad + ["%s: %r is not an integer" % (where, value)]
    if t in kinds and not isinstance(value, kinds[t]):
        return bad + ["%s: %r is not %s" % (where, value, t)]
    if "enum" in schema and value not in schema["enum"]:
        bad.append("%s: %r not in %s" % (where, value, schema["enum"]))
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        bad.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
    if "minimum" in schema and isinstance(value, int) and value < schema["minimum"]:
        bad.append("%s: %r < %r" % (where, value, schema["minimum"]))
    if "maximum" in schema and isinstance(value, int) and value > schema["maximum"]:
        bad.append("%s: %r > %r" % (where, value, schema["maximum"]))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for k in schema.get("required", []):
            if k not in value:
                bad.append("%s: missing %s" % (where, k))
        for k, v in value.items():
            if k in props:
                bad += conforms(spec, props[k], v, "%s.%s" % (where, k))
            elif schema.get("additionalProperties") is False:
                bad.append("%s: undocumented member %s" % (where, k))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            bad += conforms(spec, schema["items"], v, "%s[%d]" % (where, i))
    return bad


def _iso_in(ms):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


class ResponsesMatchSchemas(ServerTest):
    """What the server sends is what the document says, member for member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spec = load_spec()

    def check(self, r, status, schema):
        self.assertStatus(r, status)
        bad = conforms(self.spec, {"$ref": "#/components/schemas/" + schema}, r.json)
        self.assertEqual(bad, [], "%s: %r" % (schema, r))
        return r.json

    def test_records(self):
        cust = self.new_customer(("email", "schema@example.com"), name="Schema")
        case = self.new_case(cust["id"], subject="router keeps rebooting")
        path = "/api/v1/cases/%d" % case["id"]
        self.check(self.admin.get(path), 200, "Case")
        err = self.check(self.admin.post("/api/v1/cases", {
            "customer_id": cust["id"], "subject": "router rebooting again"}), 409, "Error")
        self.assertEqual(err["error"]["related_id"], case["id"])
        self.check(self.admin.patch(path, {"next_action_at": _iso_in(3600000),
                                           "plan": "Swap the router."}), 200, "Case")
        link = self.check(self.agent.post(path + "/status-link", {}), 200, "StatusLink")
        token = link["url"].split("#", 1)[1]
        c = self.check(self.admin.get(path), 200, "Case")
        self.assertEqual(c["status_url"], link["url"])
        self.assertEqual(c["plan"], "Swap the router.")
        call = self.check(self.agent.post(path + "/events", {"type": "call", "body": "rang"}),
                          201, "Event")
        self.assertEqual(call["visibility"], "internal")

        self.check(self.agent.get("/api/v1/promises/proposal?case_id=%d&kind=fix" % case["id"]),
                   200, "PromiseProposal")
        p = self.check(self.agent.post(path + "/promises", {"kind": "reply", "in_minutes": 600}),
                       201, "Promise")
        p2 = self.check(self.agent.post("/api/v1/promises/%d/revise" % p["id"], {
            "due_at": _iso_in(86400000), "reason": "waiting on parts"}), 201, "Promise")
        self.assertEqual(p2["replaces_id"], p["id"])
        self.check(self.agent.post("/api/v1/promises/%d/cancel" % p2["id"], {"reason": "moot"}),
                   200, "Promise")
        self.check(self.agent.post("/api/v1/promises/%d/cancel" % p2["id"], {"reason": "moot"}),
                   409, "Error")
        self.check(self.agent.get(path + "/promises"), 200, "PromiseList")

        self.check(self.admin.put("/api/v1/calendars/office", {
            "tz": "Europe/Paris", "hours": {"mon": ["09:00-12:30", "13:30-17:00"]},
            "holidays": ["2030-12-25", "2030-01-01"]}), 200, "Calendar")
        self.check(self.agent.get("/api/v1/calendars"), 200, "CalendarList")
        self.check(self.admin.post("/api/v1/sla-policies", {
            "queue": "schema", "priority": "any", "calendar": "office",
            "first_response_minutes": 60, "next_response_minutes": 30,
            "resolution_minutes": 600,
            "escalation": {"raise_priority": True, "reassign_to": self.ids["supervisor"]}}),
            200, "SlaPolicy")
        self.check(self.agent.get("/api/v1/sla-policies"), 200, "SlaPolicyList")
        sla_case = self.new_case(cust["id"], subject="sla clocks", queue="schema")
        clocks = self.check(self.agent.get("/api/v1/cases/%d/sla" % sla_case["id"]), 200,
                            "SlaClockList")
        self.assertEqual({k["metric"] for k in clocks["items"]}, {"first_response", "resolution"})

        view = self.check(self.anon.get("/api/v1/status/" + token), 200, "StatusView")
        self.assertEqual(view["plan"], "Swap the router.")
        self.check(self.anon.post("/api/v1/status/%s/messages" % token, {"body": "thanks"}),
                   201, "StatusMessageReply")
        self.check(self.anon.post("/api/v1/status/%s/followup" % token, {"fixed": True}),
                   409, "Error")
        self.check(self.admin.patch(path, {"status": "resolved"}), 200, "Case")
        view = self.check(self.anon.get("/api/v1/status/" + token), 200, "StatusView")
        self.assertTrue(view["can_answer"])
        view = self.check(self.anon.post("/api/v1/status/%s/followup" % token,
                                         {"fixed": True, "ease": 6}), 200, "StatusView")
        self.assertEqual(view["followup"]["state"], "answered")
        self.assertEqual(self.agent.delete(path + "/status-link").status, 204)
        self.check(self.anon.get("/api/v1/status/" + token), 404, "Error")

    def test_never_ask_twice_records(self):
        from test_roles import MATRIX_FLOW
        case = self.new_case(subject="wifi keeps dropping")
        path = "/api/v1/cases/%d" % case["id"]
        self.check(self.supervisor.put("/api/v1/flows/schema-flow", MATRIX_FLOW), 201, "Flow")
        self.check(self.agent.get("/api/v1/flows"), 200, "FlowList")
        self.check(self.agent.get("/api/v1/flows/schema-flow/versions"), 200, "FlowList")
        run = self.check(self.agent.post(path + "/flow-runs", {"flow": "schema-flow"}), 201,
                         "FlowRunView")
        self.check(self.agent.get(path + "/flow-runs"), 200, "FlowRunList")
        token = self.agent.post(path + "/status-link", {}).json["url"].split("#", 1)[1]
        page = self.check(self.anon.get("/api/v1/status/" + token), 200, "StatusView")
        self.assertEqual(page["guided"]["question"]["id"], "q")
        self.check(self.anon.post("/api/v1/status/%s/answers" % token, {"step": "q", "value": True}),
                   200, "CustomerGuided")
        done = self.check(self.agent.get("/api/v1/flow-runs/%d" % run["id"]), 200, "FlowRunView")
        self.assertEqual(done["end"]["outcome"], "resolved")
        self.check(self.agent.post(path + "/verifications", {"method": "phone_pin"}), 201,
                   "Verification")
        self.check(self.agent.get(path + "/verifications"), 200, "VerificationState")
        self.check(self.agent.get(path + "/effort"), 200, "Effort")
        self.check(self.agent.get(path + "/handoff-draft"), 200, "HandoffDraft")
        self.check(self.agent.post(path + "/handoffs", {"queue": "general", "summary": "over"}),
                   201, "Event")
        self.check(self.agent.get(path + "/handoffs"), 200, "HandoffList")
    def test_actions(self):
        """Resolution powers: policies, actions (done, pending, approved,
        declined, cancelled, sending with a delivery) and approvals."""
        self.check(self.agent.get("/api/v1/action-policies"), 200, "ActionPolicyList")
        self.check(self.admin.put("/api/v1/action-policies/credit", {
            "currency": "EUR", "limits": {"agent": {"per_case": 1000, "per_month": None}}}),
            200, "ActionPolicy")
        self.check(self.admin.put("/api/v1/action-policies/waive_fee", {
            "currency": "EUR", "limits": {"agent": {"per_case": 1000}},
            "webhook": {"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef"}}),
            200, "ActionPolicy")
        self.check(self.admin.put("/api/v1/action-policies/nope", {}), 404, "Error")
        case = self.new_case(subject="credit me")
        path = "/api/v1/cases/%d/actions" % case["id"]
        self.check(self.agent.post(path, {"kind": "credit", "amount": 500, "currency": "EUR",
                                          "reason": "outage", "note": "n"}), 201, "Action")
        sending = self.check(self.agent.post(path, {"kind": "waive_fee", "amount": 100,
                                                    "currency": "EUR", "reason": "r"}), 201, "Action")
        self.assertEqual(sending["delivery"]["state"], "pending")
        pend = [self.check(self.agent.post(path, {"kind": k, "reason": "r", **extra}), 202, "Action")
                for k, extra in (("replacement", {"item": "cable", "quantity": 2}),
                                 ("extend_subscription", {"days": 7}),
                                 ("credit", {"amount": 9000, "currency": "EUR"}))]
        self.check(self.supervisor.get("/api/v1/approvals?limit=2"), 200, "ApprovalList")
        self.check(self.admin.post("/api/v1/actions/%d/approve" % pend[0]["id"], {"note": "ok"}),
                   200, "Action")
        self.check(self.supervisor.post("/api/v1/actions/%d/decline" % pend[1]["id"],
                                        {"note": "no"}), 200, "Action")
        self.check(self.agent.post("/api/v1/actions/%d/cancel" % pend[2]["id"],
                                   {"reason": "moot"}), 200, "Action")
        self.check(self.agent.post("/api/v1/actions/%d/cancel" % sending["id"],
                                   {"reason": "by hand"}), 200, "Action")
        self.check(self.supervisor.post("/api/v1/actions/%d/approve" % pend[1]["id"], {}),
                   409, "Error")
        lst = self.check(self.agent.get(path), 200, "ActionList")
        self.assertEqual(len(lst["items"]), 5)
        for e in self.admin.get("/api/v1/cases/%d/events?limit=200" % case["id"]).json["items"]:
            self.assertEqual(conforms(self.spec, {"$ref": "#/components/schemas/Event"}, e), [])
        alerts = self.check(self.supervisor.get("/api/v1/alerts?case_id=%d" % case["id"]), 200,
                            "AlertList")
        self.assertIn("approval_requested", {a["kind"] for a in alerts["items"]})

    def test_alerts(self):
        case = self.new_case(subject="alerting")
        self.check(self.admin.post("/api/v1/cases/%d/promises" % case["id"], {
            "kind": "callback", "due_at": _iso_in(1500), "confirm_short": True,
            "owner_id": self.ids["agent"]}), 201, "Promise")
        # the owner is warned at 75%; at the due time the supervisors are told
        for client, kind in ((self.agent, "promise_warning"),
                             (self.supervisor, "promise_broken")):
            deadline = time.monotonic() + 20
            while True:
                r = client.get("/api/v1/alerts?open=true&case_id=%d" % case["id"])
                self.check(r, 200, "AlertList")
                mine = [a for a in r.json["items"] if a["kind"] == kind]
                if mine:
                    break
                self.assertLess(time.monotonic(), deadline, "no %s alert: %r" % (kind, r))
                time.sleep(0.2)
            a = self.check(client.post("/api/v1/alerts/%d/ack" % mine[0]["id"], {}), 200, "Alert")
            self.assertIsNotNone(a["ack_at"])
