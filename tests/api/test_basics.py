"""Health, metrics, request ids, content types, unknown paths and methods."""

import re

from harness import ServerTest


class Basics(ServerTest):
    def test_healthz(self):
        r = self.anon.get("/healthz")
        self.assertStatus(r, 200)
        self.assertJSON(r)
        self.assertEqual(r.json, {"status": "ok"})

    def test_request_id_on_every_response(self):
        seen = set()
        for client, method, path in [
                (self.anon, "GET", "/healthz"),
                (self.anon, "GET", "/metrics"),
                (self.anon, "GET", "/api/v1/me"),            # 401
                (self.agent, "GET", "/api/v1/agents"),        # 403
                (self.admin, "GET", "/api/v1/cases/999999"),  # 404
                (self.admin, "DELETE", "/api/v1/me"),         # 405
                (self.admin, "GET", "/api/v1/me")]:
            r = client.request(method, path)
            rid = r.headers.get("X-Request-Id")
            self.assertTrue(rid, "no X-Request-Id: %r" % r)
            self.assertNotIn(rid, seen, "X-Request-Id repeated")
            seen.add(rid)

    def test_metrics(self):
        self.admin.get("/api/v1/me")
        self.anon.get("/healthz")
        r = self.anon.get("/metrics")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers.get("Content-Type", "").startswith("text/plain"),
                        "metrics Content-Type: %r" % r.headers.get("Content-Type"))
        text = r.raw.decode("utf-8")
        self.assertRegex(text, r'(?m)^heed_http_requests_total\{[^}]*route="[^"]+"[^}]*\} \d')
        self.assertRegex(text, r'(?m)^heed_http_requests_total\{[^}]*status="\d{3}"[^}]*\} \d')
        self.assertRegex(text, r'(?m)^heed_http_request_duration_seconds_bucket\{[^}]*le="[^"]+"[^}]*\} \d')
        self.assertRegex(text, r'(?m)^heed_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d')
        self.assertRegex(text, r'(?m)^heed_http_request_duration_seconds_count(\{[^}]*\})? \d')
        self.assertRegex(text, r'(?m)^heed_store_errors_total(\{[^}]*\})? \d')
        self.assertRegex(text, r'(?m)^# TYPE heed_http_requests_total counter$')
        self.assertRegex(text, r'(?m)^# TYPE heed_http_request_duration_seconds histogram$')
        for line in text.splitlines():
            if line and not line.startswith("#"):
                self.assertRegex(line, r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eEInfNa]+( \d+)?$',
                                 "not a Prometheus sample line")

    def test_metrics_count_requests(self):
        def total(text):
            return sum(float(m.group(1)) for m in re.finditer(
                r'(?m)^heed_http_requests_total\{[^}]*\} ([0-9.e+]+)$', text))
        before = total(self.anon.get("/metrics").raw.decode())
        for _ in range(5):
            self.anon.get("/healthz")
        after = total(self.anon.get("/metrics").raw.decode())
        self.assertGreaterEqual(after - before, 5)

    def test_unknown_path_404_json(self):
        for path in ("/api/v1/nope", "/api/v1/cases/1/nope", "/nope", "/api/v2/cases"):
            with self.subTest(path=path):
                self.assertError(self.admin.get(path), 404, "not_found")

    def test_wrong_method_405_json(self):
        for method, path in [("DELETE", "/api/v1/me"), ("PUT", "/api/v1/cases"),
                             ("DELETE", "/api/v1/cases"), ("POST", "/healthz"),
                             ("GET", "/api/v1/sessions"), ("POST", "/api/v1/customers/lookup"),
                             ("DELETE", "/api/v1/agents/1")]:
            with self.subTest(route="%s %s" % (method, path)):
                r = self.admin.request(method, path, body={} if method in ("PUT", "POST") else None)
                self.assertError(r, 405, "method_not_allowed")
        self.assertHealthy()

    def test_json_content_type_on_api_responses(self):
        for r in (self.admin.get("/api/v1/me"), self.admin.get("/api/v1/cases"),
                  self.anon.get("/api/v1/me")):
            self.assertJSON(r)

    def test_websocket_upgrade_without_our_protocol_is_refused(self):
        import socket
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        try:
            s.sendall(b"GET /api/v1/cases HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                      b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      b"Sec-WebSocket-Version: 13\r\n\r\n")
            got = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        finally:
            s.close()
        self.assertNotIn(b"101 Switching Protocols", got)
        self.assertEqual(self.admin.get("/healthz").status, 200)
