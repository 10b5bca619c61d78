"""Login, cookie auth, logout, /me."""

from harness import PASSWORD, ServerTest

AGENT_KEYS = {"id", "name", "email", "role", "skills", "capacity", "created_at", "updated_at"}


def assert_no_secret(test, obj):
    """No key anywhere in obj that looks like a password or its hash."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            test.assertNotRegex(k.lower(), r"pass|hash|secret|salt", "secret field %r" % k)
            assert_no_secret(test, v)
    elif isinstance(obj, list):
        for v in obj:
            assert_no_secret(test, v)


class Sessions(ServerTest):
    def login(self, email="agent@example.com", password=PASSWORD):
        return self.anon.post("/api/v1/sessions", {"email": email, "password": password})

    def test_login_returns_token_agent_and_cookie(self):
        r = self.login()
        self.assertStatus(r, 201)
        self.assertJSON(r)
        self.assertIsInstance(r.json["token"], str)
        self.assertTrue(r.json["token"])
        self.assertTime(r.json["expires_at"], "expires_at")
        self.assertEqual(set(r.json["agent"]), AGENT_KEYS)
        self.assertEqual(r.json["agent"]["email"], "agent@example.com")
        self.assertEqual(r.json["agent"]["role"], "agent")
        self.assertEqual(r.json["agent"]["id"], self.ids["agent"])
        assert_no_secret(self, r.json)
        cookies = r.headers.get_all("Set-Cookie") or []
        mine = [c for c in cookies if c.strip().startswith("heed_session=")]
        self.assertEqual(len(mine), 1, "Set-Cookie: %r" % cookies)
        attrs = [a.strip().lower() for a in mine[0].split(";")]
        self.assertIn("httponly", attrs)
        self.assertIn("samesite=strict", attrs)
        self.assertIn("path=/", attrs)
        self.assertTrue(mine[0].split(";")[0].split("=", 1)[1], "empty cookie value")

    def test_session_token_as_bearer(self):
        tok = self.login().json["token"]
        r = self.anon.get("/api/v1/me", token=tok)
        self.assertStatus(r, 200)
        self.assertEqual(r.json["email"], "agent@example.com")

    def test_cookie_auth(self):
        r = self.login("supervisor@example.com")
        cookie = r.headers.get("Set-Cookie").split(";")[0]
        r = self.anon.get("/api/v1/me", headers={"Cookie": cookie})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["email"], "supervisor@example.com")
        r = self.anon.get("/api/v1/agents", headers={"Cookie": "other=1; " + cookie})
        self.assertStatus(r, 200, "cookie among others, supervisor route")

    def test_logout_revokes_token_and_cookie(self):
        r = self.login()
        tok = r.json["token"]
        cookie = r.headers.get("Set-Cookie").split(";")[0]
        self.assertStatus(self.anon.get("/api/v1/me", token=tok), 200)
        r = self.anon.delete("/api/v1/sessions", token=tok)
        self.assertStatus(r, 204)
        self.assertEqual(r.raw, b"")
        self.assertError(self.anon.get("/api/v1/me", token=tok), 401, "unauthorized")
        self.assertError(self.anon.get("/api/v1/me", headers={"Cookie": cookie}), 401, "unauthorized")
        self.assertError(self.anon.delete("/api/v1/sessions", token=tok), 401, "unauthorized")

    def test_logout_with_cookie(self):
        r = self.login()
        tok = r.json["token"]
        cookie = r.headers.get("Set-Cookie").split(";")[0]
        self.assertStatus(self.anon.delete("/api/v1/sessions", headers={"Cookie": cookie}), 204)
        self.assertError(self.anon.get("/api/v1/me", token=tok), 401, "unauthorized")

    def test_logout_leaves_other_sessions(self):
        a = self.login().json["token"]
        b = self.login().json["token"]
        self.assertNotEqual(a, b)
        self.assertStatus(self.anon.delete("/api/v1/sessions", token=a), 204)
        self.assertStatus(self.anon.get("/api/v1/me", token=b), 200)
        self.assertStatus(self.agent.get("/api/v1/me"), 200, "API token unaffected")

    def test_wrong_password_and_unknown_email_same_401(self):
        r1 = self.login(password="wrong horse")
        r2 = self.login(email="nobody@example.com")
        e1 = self.assertError(r1, 401, "unauthorized")
        e2 = self.assertError(r2, 401, "unauthorized")
        self.assertEqual(e1["message"], e2["message"])
        self.assertIsNone(r1.headers.get("Set-Cookie"))
        self.assertIsNone(r2.headers.get("Set-Cookie"))

    def test_login_bad_input(self):
        post = self.anon.post
        url = "/api/v1/sessions"
        self.assertErrors([
            ("missing password", lambda: post(url, {"email": "agent@example.com"}), 400, "bad_request", "password"),
            ("missing email", lambda: post(url, {"password": PASSWORD}), 400, "bad_request", "email"),
            ("email: 5", lambda: post(url, {"email": 5, "password": PASSWORD}), 400, "bad_request", "email"),
            ("malformed JSON", lambda: post(url, raw=b"{"), 400, "bad_request", None),
            ("text/plain", lambda: post(url, raw=b'{"email":"agent@example.com"}', ctype="text/plain"),
             415, "unsupported_media_type", None)])

    def test_bogus_tokens(self):
        for tok in ("nope", "x" * 64, "Bearer", "%00"):
            with self.subTest(token=tok):
                self.assertError(self.anon.get("/api/v1/me", token=tok), 401, "unauthorized")
        for hdr in ("Basic YWRtaW46YWRtaW4=", "Bearer", "bearer", ""):
            with self.subTest(authorization=hdr):
                r = self.anon.get("/api/v1/me", headers={"Authorization": hdr})
                self.assertError(r, 401, "unauthorized")
        r = self.anon.get("/api/v1/me", headers={"Cookie": "heed_session=nope"})
        self.assertError(r, 401, "unauthorized")

    def test_me(self):
        for role in ("admin", "supervisor", "agent"):
            r = getattr(self, role).get("/api/v1/me")
            self.assertStatus(r, 200)
            self.assertJSON(r)
            self.assertEqual(set(r.json), AGENT_KEYS)
            self.assertEqual(r.json["role"], role)
            self.assertEqual(r.json["email"], "%s@example.com" % role)
            self.assertIsInstance(r.json["id"], int)
            self.assertTime(r.json["created_at"])
            self.assertTime(r.json["updated_at"])
