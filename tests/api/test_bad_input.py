"""The bad-input table: each request is refused with the right status and
code, nothing is written, and the server keeps serving."""

import json

from harness import MIB, ServerTest, raw_exchange


def invalid_utf8_json():
    # A JSON string holding the bytes C3 28 (an invalid two-byte sequence).
    return b'{"customer_id": %d, "subject": "caf\xc3\x28 broken"}'


class BadInput(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.post("/api/v1/customers", {"identifiers": [
            {"kind": "email", "value": "bad-input@example.com"}]})
        assert r.status == 201, r
        cls.cust_id = r.json["id"]
        r = cls.admin.post("/api/v1/cases", {"customer_id": cls.cust_id, "subject": "existing"})
        assert r.status == 201, r
        cls.case = r.json

    def snapshot(self):
        """What a refused request must not change."""
        cases = self.list_all("/api/v1/cases")
        return {
            "cases": len(cases),
            "customers": self.count("/api/v1/customers"),
            "agents": len(self.admin.get("/api/v1/agents").json["items"]),
            "case": self.admin.get("/api/v1/cases/%d" % self.case["id"]).json,
            "events": self.admin.get("/api/v1/cases/%d/events?limit=200" % self.case["id"]).json["items"],
            "facts": self.admin.get("/api/v1/cases/%d/facts" % self.case["id"]).json,
        }

    def check(self, name, send, status, code, field=None):
        with self.subTest(name):
            before = self.snapshot()
            r = send()
            if r is None:
                self.fail("%s: connection closed without a response" % name)
            self.assertError(r, status, code, field)
            self.assertTrue(r.headers.get("X-Request-Id"), "no X-Request-Id")
            self.assertHealthy()
            self.assertEqual(self.snapshot(), before, "%s: something was written" % name)

    def post_case(self, raw, ctype="application/json"):
        return self.admin.post("/api/v1/cases", raw=raw, ctype=ctype)

    def test_table(self):
        cid = self.cust_id
        case = "/api/v1/cases/%d" % self.case["id"]
        ok = json.dumps({"customer_id": cid, "subject": "fine"}).encode()
        table = [
            ("malformed JSON", lambda: self.post_case(b'{"customer_id": %d, "subject": ' % cid),
             400, "bad_request", None),
            ("trailing garbage", lambda: self.post_case(ok + b"}"), 400, "bad_request", None),
            ("empty body", lambda: self.post_case(b""), 400, "bad_request", None),
            ("JSON array body", lambda: self.post_case(b"[]"), 400, "bad_request", None),
            ("JSON string body", lambda: self.post_case(b'"hello"'), 400, "bad_request", None),
            ("subject: 5", lambda: self.post_case(b'{"customer_id": %d, "subject": 5}' % cid),
             400, "bad_request", "subject"),
            ("subject: null", lambda: self.post_case(b'{"customer_id": %d, "subject": null}' % cid),
             400, "bad_request", "subject"),
            ("missing subject", lambda: self.post_case(b'{"customer_id": %d}' % cid),
             400, "bad_request", "subject"),
            ("customer_id: 1.5", lambda: self.post_case(b'{"customer_id": 1.5, "subject": "x"}'),
             400, "bad_request", "customer_id"),
            ("content type text/plain", lambda: self.post_case(ok, ctype="text/plain"),
             415, "unsupported_media_type", None),
            ("no content type", lambda: self.post_case(ok, ctype=None), 415, "unsupported_media_type", None),
            ("form content type", lambda: self.post_case(ok, ctype="application/x-www-form-urlencoded"),
             415, "unsupported_media_type", None),
            ("PATCH text/plain", lambda: self.admin.patch(case, raw=b'{"priority":"low"}', ctype="text/plain"),
             415, "unsupported_media_type", None),
            ("invalid UTF-8 in a JSON string", lambda: self.post_case(invalid_utf8_json() % cid),
             422, "invalid_value", None),
            ("invalid UTF-8 in a key", lambda: self.post_case(b'{"subj\xff": "x", "customer_id": %d}' % cid),
             422, "invalid_value", None),
            ("overlong UTF-8", lambda: self.post_case(b'{"customer_id": %d, "subject": "\xc0\xaf"}' % cid),
             422, "invalid_value", None),
            ("UTF-16 surrogate in UTF-8",
             lambda: self.post_case(b'{"customer_id": %d, "subject": "\xed\xa0\x80"}' % cid),
             422, "invalid_value", None),
            ("invalid UTF-8 in query q", lambda: self.admin.get("/api/v1/customers?q=%C3%28"),
             422, "invalid_value", None),
            ("invalid UTF-8 in query queue", lambda: self.admin.get("/api/v1/cases?queue=%FF"),
             422, "invalid_value", None),
            ("invalid UTF-8 in lookup", lambda: self.admin.get("/api/v1/customers/lookup?identifier=%C3%28"),
             422, "invalid_value", None),
            ("unknown customer_id", lambda: self.admin.post("/api/v1/cases", {"customer_id": 999999, "subject": "x"}),
             422, "invalid_value", "customer_id"),
            ("unknown owner_id", lambda: self.admin.patch(case, {"owner_id": 999999}),
             422, "invalid_value", "owner_id"),
            ("unknown case id", lambda: self.admin.get("/api/v1/cases/999999"), 404, "not_found", None),
            ("unknown case PATCH", lambda: self.admin.patch("/api/v1/cases/999999", {"priority": "low"}),
             404, "not_found", None),
            ("unknown case event", lambda: self.admin.post("/api/v1/cases/999999/events",
                                                           {"type": "note", "body": "x"}), 404, "not_found", None),
            ("non-integer id", lambda: self.admin.get("/api/v1/cases/abc"), 404, "not_found", None),
            ("non-integer id PATCH", lambda: self.admin.patch("/api/v1/cases/abc", {"priority": "low"}),
             404, "not_found", None),
            ("non-integer customer id", lambda: self.admin.get("/api/v1/customers/1e3"), 404, "not_found", None),
            ("unknown enum", lambda: self.admin.patch(case, {"priority": "asap"}),
             422, "invalid_value", "priority"),
        ]
        for name, send, status, code, field in table:
            self.check(name, send, status, code, field)

    def test_body_over_1mib_is_413_and_server_survives(self):
        pad = MIB + 1 - len(b'{"customer_id": %d, "subject": ""}' % self.cust_id)
        body = b'{"customer_id": %d, "subject": "%s"}' % (self.cust_id, b"a" * pad)
        self.assertEqual(len(body), MIB + 1)
        head = ("POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n" % (self.tokens["admin"], len(body))).encode()
        self.check("1 MiB + 1 body", lambda: raw_exchange(self.port, head, body), 413, "too_large")
        self.assertStatus(self.admin.get("/api/v1/me"), 200)

    def test_body_of_exactly_1mib_is_not_413(self):
        # Padded with JSON whitespace so that no field is large.
        head = b'{"customer_id": %d, "subject": "exactly 1 MiB"' % self.cust_id
        body = head + b" " * (MIB - len(head) - 1) + b"}"
        self.assertEqual(len(body), MIB)
        r = self.post_case(body)
        self.assertStatus(r, 201, "a body of exactly 1 MiB is within the limit")
        self.assertHealthy()

    def test_huge_declared_length_is_413(self):
        head = ("POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                "Content-Length: 10737418240\r\n\r\n" % self.tokens["admin"]).encode()
        self.check("10 GiB declared", lambda: raw_exchange(self.port, head, b'{"subject":'),
                   413, "too_large")

    def test_server_still_creates_after_abuse(self):
        self.post_case(b"{")
        self.admin.get("/api/v1/customers?q=%C3%28")
        r = self.admin.post("/api/v1/cases", {"customer_id": self.cust_id, "subject": "after abuse"})
        self.assertStatus(r, 201)
