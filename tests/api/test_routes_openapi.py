"""The router's route table equals docs/openapi.yaml, and the document is sound.

`heed routes` prints one line per route, `METHOD /path/{param}`; the set of
(METHOD, path) must equal the OpenAPI paths and methods, both ways.
"""

import os
import subprocess
import unittest

import yaml

from harness import HEED_BIN, ROOT

SPEC_PATH = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# Routes anyone may call; the widget's chat routes check the site's origin.
PUBLIC = {("GET", "/healthz"), ("GET", "/metrics"), ("POST", "/api/v1/sessions"),
          ("POST", "/api/v1/chat/sessions"), ("OPTIONS", "/api/v1/chat/sessions"),
          ("OPTIONS", "/api/v1/chat/transcript"), ("OPTIONS", "/api/v1/chat/transcript/email"),
          ("GET", "/widget.js"), ("GET", "/console/"), ("GET", "/console/{file}"),
          ("GET", "/demo/")}
# Routes for a chat visitor's token (heedv_...), not for staff tokens.
VISITOR = {("GET", "/api/v1/chat/transcript"), ("POST", "/api/v1/chat/transcript/email")}
ADMIN_ONLY = {("POST", "/api/v1/agents"), ("PATCH", "/api/v1/agents/{id}"),
              ("POST", "/api/v1/queues"), ("GET", "/api/v1/sites"), ("POST", "/api/v1/sites")}
SUPERVISOR_UP = {("GET", "/api/v1/agents"), ("GET", "/api/v1/agents/{id}"),
                 ("GET", "/api/v1/chat/stats")}
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
            ("GET", "/api/v1/cases"), ("POST", "/api/v1/cases"),
            ("GET", "/api/v1/cases/{id}"), ("PATCH", "/api/v1/cases/{id}"),
            ("GET", "/api/v1/cases/{id}/events"), ("POST", "/api/v1/cases/{id}/events"),
            ("GET", "/api/v1/cases/{id}/facts"),
            ("PUT", "/api/v1/cases/{id}/facts/{key}"),
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
            ("GET", "/demo/"),
        }
        self.assertEqual(spec_routes(self.spec), want)

    def test_schemas_present(self):
        schemas = self.spec["components"]["schemas"]
        for name in ("Agent", "Customer", "Identifier", "Case", "Event", "Fact", "Error"):
            self.assertIn(name, schemas)
        agent = schemas["Agent"]["properties"]
        self.assertEqual(set(agent), {"id", "name", "email", "role", "skills", "capacity",
                                      "created_at", "updated_at"})

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
                                   ("DELETE", "/api/v1/saved-replies/{id}")}
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
                if "{id}" in path:
                    self.assertIn("404", codes)
                if "requestBody" in op:
                    for c in ("400", "413", "415", "422"):
                        self.assertIn(c, codes)
                for seg in path.split("/"):
                    if seg.startswith("{"):
                        self.assertIn(seg, ("{id}", "{key}", "{file}"))


if __name__ == "__main__":
    unittest.main()
