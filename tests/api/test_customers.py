"""Customers: identifiers normalised, found in any format (story 002)."""

from harness import ServerTest, q, unique, _seq

CUSTOMER_KEYS = {"id", "name", "identifiers", "created_at", "updated_at", "merged_into"}


def phone_digits():
    """A fresh 555-010-XXXX number (as in the contract's example)."""
    return "555010%04d" % (_seq() % 10000)


def idents(customer):
    return {(i["kind"], i["value"]) for i in customer["identifiers"]}


class Customers(ServerTest):
    def customer_count(self):
        return self.count("/api/v1/customers")

    def assertCustomer(self, c):
        self.assertEqual(set(c), CUSTOMER_KEYS)
        self.assertIsInstance(c["id"], int)
        self.assertTime(c["created_at"])
        self.assertTime(c["updated_at"])
        for i in c["identifiers"]:
            self.assertEqual(set(i), {"kind", "value", "display"})

    def test_create_normalises_and_keeps_display(self):
        d = phone_digits()
        typed_phone = "(%s) %s-%s" % (d[:3], d[3:6], d[6:])
        tag = unique("ab")
        typed_acct = "%s-12 34" % tag.lower()
        body = {"name": "Dana Scully", "identifiers": [
            {"kind": "email", "value": "Dana.Scully@FBI.example.COM"},
            {"kind": "phone", "value": typed_phone},
            {"kind": "account", "value": typed_acct}]}
        r = self.admin.post("/api/v1/customers", body)
        self.assertStatus(r, 201)
        self.assertJSON(r)
        self.assertCustomer(r.json)
        self.assertEqual(r.json["name"], "Dana Scully")
        got = {i["kind"]: (i["value"], i["display"]) for i in r.json["identifiers"]}
        self.assertEqual(got["email"], ("dana.scully@fbi.example.com", "Dana.Scully@FBI.example.COM"))
        self.assertEqual(got["phone"], ("+1" + d, typed_phone))
        want_acct = typed_acct.upper().replace("-", "").replace(" ", "")
        self.assertEqual(got["account"], (want_acct, typed_acct))
        again = self.agent.get("/api/v1/customers/%d" % r.json["id"])
        self.assertStatus(again, 200)
        self.assertEqual(again.json, r.json)

    def test_phone_formats_normalise_alike(self):
        formats = ("({0}) {1}-{2}", "{0}.{1}.{2}", "+1 {0} {1} {2}", "{0}{1}{2}", "1-{0}-{1}-{2}")
        for f in formats:
            d = phone_digits()
            typed = f.format(d[:3], d[3:6], d[6:])
            with self.subTest(typed=typed):
                c = self.new_customer(("phone", typed))
                self.assertEqual(c["identifiers"][0]["value"], "+1" + d)
                self.assertEqual(c["identifiers"][0]["display"], typed)

    def test_conflict_when_identifier_taken_in_any_format(self):
        local = unique("foo")
        c = self.new_customer(("email", local + "@example.com"))
        d = phone_digits()
        self.new_customer(("phone", d))
        n = self.customer_count()
        post = self.admin.post
        self.assertErrors([
            ("email in upper case", lambda: post("/api/v1/customers", {"identifiers": [
                {"kind": "email", "value": local.upper() + "@EXAMPLE.com"}]}), 409, "conflict", None),
            ("phone typed differently, beside a new email", lambda: post("/api/v1/customers", {"identifiers": [
                {"kind": "email", "value": unique("new") + "@example.com"},
                {"kind": "phone", "value": "(%s) %s-%s" % (d[:3], d[3:6], d[6:])}]}), 409, "conflict", None)])
        self.assertEqual(self.customer_count(), n)
        self.assertEqual(self.admin.get("/api/v1/customers/%d" % c["id"]).json, c)

    def test_create_invalid_422(self):
        n = self.customer_count()
        for kind, value in [("email", "not-an-email"), ("email", "a@b@c"),
                            ("phone", "12"), ("phone", "call me maybe"), ("kindly", "x")]:
            with self.subTest(kind=kind, value=value):
                r = self.admin.post("/api/v1/customers",
                                    {"identifiers": [{"kind": kind, "value": value}]})
                self.assertError(r, 422, "invalid_value")
        self.assertEqual(self.customer_count(), n)

    def test_create_bad_request_400(self):
        n = self.customer_count()
        post = self.admin.post
        url = "/api/v1/customers"
        self.assertErrors([
            ("no identifiers", lambda: post(url, {"name": "No Ids"}), 400, "bad_request", "identifiers"),
            ("identifiers: string", lambda: post(url, {"identifiers": "a@b.example"}),
             400, "bad_request", "identifiers"),
            ("name: 5", lambda: post(url, {"name": 5, "identifiers": []}), 400, "bad_request", "name"),
            ("identifier without value", lambda: post(url, {"identifiers": [{"kind": "email"}]}),
             400, "bad_request", None),
            ("identifier value: 42", lambda: post(url, {"identifiers": [{"kind": "email", "value": 42}]}),
             400, "bad_request", None),
            ("identifier as string", lambda: post(url, {"identifiers": ["x@y.example"]}),
             400, "bad_request", None)])
        self.assertEqual(self.customer_count(), n)

    def test_get_404(self):
        self.assertError(self.admin.get("/api/v1/customers/999999"), 404, "not_found")
        self.assertError(self.admin.get("/api/v1/customers/12abc"), 404, "not_found")

    def test_patch_name(self):
        c = self.new_customer(("email", unique("p") + "@example.com"), name="Old")
        r = self.agent.patch("/api/v1/customers/%d" % c["id"], {"name": "New Name"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json["name"], "New Name")
        self.assertEqual(r.json["identifiers"], c["identifiers"])
        self.assertEqual(self.admin.get("/api/v1/customers/%d" % c["id"]).json, r.json)

    def test_patch_identifiers_replaces_all(self):
        old_email = unique("old") + "@example.com"
        c = self.new_customer(("email", old_email), ("phone", phone_digits()))
        new_email = unique("new") + "@example.com"
        r = self.admin.patch("/api/v1/customers/%d" % c["id"],
                             {"identifiers": [{"kind": "email", "value": new_email.upper()}]})
        self.assertStatus(r, 200)
        self.assertEqual(idents(r.json), {("email", new_email)})
        self.assertError(self.admin.get("/api/v1/customers/lookup?identifier=" + q(old_email)),
                         404, "not_found")
        got = self.admin.get("/api/v1/customers/lookup?identifier=" + q(new_email))
        self.assertStatus(got, 200)
        self.assertEqual(got.json["id"], c["id"])

    def test_patch_errors(self):
        a = self.new_customer(("email", unique("a") + "@example.com"))
        b = self.new_customer(("email", unique("b") + "@example.com"))
        path = "/api/v1/customers/%d" % b["id"]
        taken = a["identifiers"][0]["value"].upper()
        patch = self.admin.patch
        self.assertErrors([
            ("identifier of another", lambda: patch(path, {"identifiers": [{"kind": "email", "value": taken}]}),
             409, "conflict", None),
            ("bad phone", lambda: patch(path, {"identifiers": [{"kind": "phone", "value": "x"}]}),
             422, "invalid_value", None),
            ("identifiers: {}", lambda: patch(path, {"identifiers": {}}), 400, "bad_request", "identifiers"),
            ("name: []", lambda: patch(path, {"name": []}), 400, "bad_request", "name"),
            ("unknown customer", lambda: patch("/api/v1/customers/999999", {"name": "x"}), 404, "not_found", None)])
        self.assertEqual(self.admin.get(path).json, b, "failed patches changed the customer")


class CustomerSearch(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = unique("zq")
        cls.email_local = unique("foo")
        cls.digits = phone_digits()
        cls.acct = unique("AB").upper().replace("-", "") + "1234"
        r = cls.admin.post("/api/v1/customers", {"name": "Wilhelmina %s Stone" % cls.tag, "identifiers": [
            {"kind": "email", "value": cls.email_local + "@example.com"},
            {"kind": "phone", "value": cls.digits},
            {"kind": "account", "value": cls.acct}]})
        assert r.status == 201, r
        cls.cust = r.json
        cls.others = []
        for i in range(5):
            r = cls.admin.post("/api/v1/customers", {"name": "Pager %s %d" % (cls.tag, i), "identifiers": [
                {"kind": "email", "value": "%s-%d@example.com" % (cls.tag, i)}]})
            assert r.status == 201, r
            cls.others.append(r.json["id"])

    def search(self, text):
        r = self.agent.get("/api/v1/customers?q=" + q(text))
        self.assertStatus(r, 200, "search %r" % text)
        self.assertJSON(r)
        self.assertIn("next_cursor", r.json)
        return [c["id"] for c in r.json["items"]]

    def test_search_by_name_substring_case_insensitive(self):
        self.assertIn(self.cust["id"], self.search("wilhelmina " + self.tag.upper()))
        self.assertIn(self.cust["id"], self.search("STONE"))
        self.assertNotIn(self.cust["id"], self.search("Pager " + self.tag))

    def test_search_by_identifier_in_any_format(self):
        d = self.digits
        acct_typed = (self.acct[:2].lower() + "-" + self.acct[2:-4].lower() + "-" +
                      self.acct[-4:-2] + " " + self.acct[-2:])
        for typed in ("(%s) %s-%s" % (d[:3], d[3:6], d[6:]), "+1" + d, "%s-%s-%s" % (d[:3], d[3:6], d[6:]),
                      self.email_local.upper() + "@Example.COM", acct_typed):
            with self.subTest(q=typed):
                self.assertIn(self.cust["id"], self.search(typed))

    def test_lookup_in_any_format(self):
        d = self.digits
        for typed in ("(%s) %s-%s" % (d[:3], d[3:6], d[6:]), "%s.%s.%s" % (d[:3], d[3:6], d[6:]),
                      "+1 %s %s %s" % (d[:3], d[3:6], d[6:]),
                      self.email_local.upper() + "@EXAMPLE.COM",
                      self.acct.lower(), self.acct[:3] + "-" + self.acct[3:]):
            with self.subTest(identifier=typed):
                r = self.agent.get("/api/v1/customers/lookup?identifier=" + q(typed))
                self.assertStatus(r, 200)
                self.assertJSON(r)
                self.assertEqual(r.json, self.cust)

    def test_lookup_errors(self):
        url = "/api/v1/customers/lookup"
        self.assertErrors([
            ("unknown email", lambda: self.agent.get(url + "?identifier=" + q("nobody@example.com")),
             404, "not_found", None),
            ("unknown phone", lambda: self.agent.get(url + "?identifier=" + q("(555) 999-9999")),
             404, "not_found", None),
            ("no identifier", lambda: self.agent.get(url), 400, "bad_request", "identifier")])

    def test_paging(self):
        seen, cursor, pages = [], None, 0
        while True:
            url = "/api/v1/customers?limit=2&q=" + q("Pager " + self.tag)
            if cursor:
                url += "&cursor=" + q(cursor)
            r = self.agent.get(url)
            self.assertStatus(r, 200)
            self.assertLessEqual(len(r.json["items"]), 2)
            seen += [c["id"] for c in r.json["items"]]
            cursor = r.json["next_cursor"]
            pages += 1
            if cursor is None:
                break
            self.assertIsInstance(cursor, str)
            self.assertLess(pages, 10)
        self.assertEqual(sorted(seen), sorted(self.others), "each customer exactly once")

    def test_limit_out_of_range_422(self):
        for limit in ("0", "201", "-1"):
            with self.subTest(limit=limit):
                self.assertError(self.agent.get("/api/v1/customers?limit=" + limit),
                                 422, "invalid_value", "limit")
        self.assertStatus(self.agent.get("/api/v1/customers?limit=200"), 200)
        r = self.agent.get("/api/v1/customers?limit=1")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 1)
        self.assertIsNotNone(r.json["next_cursor"])

    def test_default_limit_50(self):
        for i in range(50):
            self.new_customer(("email", "%s-bulk-%d@example.com" % (self.tag, i)))
        r = self.agent.get("/api/v1/customers")
        self.assertStatus(r, 200)
        self.assertEqual(len(r.json["items"]), 50)
        self.assertIsNotNone(r.json["next_cursor"])
