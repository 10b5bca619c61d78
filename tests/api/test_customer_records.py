"""Customer records (issue 5, story 002): the agent can find the customer
however they are typed, correct the record with its history kept, and merge
duplicates without losing a case or an identifier."""

import hashlib
import hmac
import sqlite3

from harness import ServerTest, q, unique, _seq
from test_routes_openapi import conforms, load_spec


def digits():
    """A fresh 10-digit NANP number 555-01X-XXXX."""
    n = _seq()
    return "55501%d%04d" % (n // 10000 % 10, n % 10000)


def fmt_phone(d):
    return ["+1 (%s) %s-%s" % (d[:3], d[3:6], d[6:]), "%s.%s.%s" % (d[:3], d[3:6], d[6:]), d,
            "1-%s-%s-%s" % (d[:3], d[3:6], d[6:]), "555\u00a0%s\u2013%s" % (d[3:6], d[6:])]


class Records(ServerTest):
    """Shared helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.spec = load_spec()

    def conform(self, value, schema):
        bad = conforms(self.spec, {"$ref": "#/components/schemas/" + schema}, value)
        self.assertEqual(bad, [], "%s: %r" % (schema, value))

    def history(self, cid, client=None, **params):
        url = "/api/v1/customers/%d/history" % cid
        if params:
            url += "?" + "&".join("%s=%s" % (k, q(str(v))) for k, v in params.items())
        r = (client or self.agent).get(url)
        self.assertStatus(r, 200, "history")
        self.conform(r.json, "CustomerHistory")
        return r.json

    def search(self, text, client=None, limit=None):
        url = "/api/v1/customers?q=" + q(text) + ("&limit=%d" % limit if limit else "")
        r = (client or self.agent).get(url)
        self.assertStatus(r, 200, "search %r" % text)
        self.conform(r.json, "CustomerList")
        for c in r.json["items"]:
            self.assertIn("match", c, "a search result says why it matched")
        return r.json["items"]

    def get(self, cid):
        r = self.admin.get("/api/v1/customers/%d" % cid)
        self.assertStatus(r, 200)
        return r.json

    def cases_of(self, cid):
        return sorted(c["id"] for c in self.list_all("/api/v1/cases?customer_id=%d" % cid))

    def snapshot(self, *cids):
        """Everything a refused write must leave as it was."""
        return [(self.get(c), self.history(c, limit=200)["items"], self.cases_of(c)) for c in cids]


class History(Records):
    def test_correction_is_recorded_with_reason(self):
        c = self.new_customer(("email", unique("h") + "@example.com"), name="Jon Smiht")
        r = self.agent.patch("/api/v1/customers/%d" % c["id"],
                             {"name": "John Smith", "reason": "customer spelled it out"})
        self.assertStatus(r, 200)
        self.conform(r.json, "Customer")
        self.assertEqual(r.json["name"], "John Smith")
        h = self.history(c["id"])["items"]
        self.assertEqual([e["field"] for e in h], ["name", "created"], "newest first")
        self.assertEqual((h[0]["old"], h[0]["new"]), ("Jon Smiht", "John Smith"))
        self.assertEqual(h[0]["by"], {"kind": "agent", "id": self.ids["agent"]})
        self.assertEqual(h[0]["via"], "api")
        self.assertEqual(h[0]["reason"], "customer spelled it out")
        self.assertTime(h[0]["at"])
        self.assertEqual(h[1]["by"], {"kind": "agent", "id": self.ids["admin"]})
        self.assertEqual(h[1]["new"], "Jon Smiht")
        self.assertIsNone(h[1]["reason"])

    def test_identifier_changes_are_recorded(self):
        old_email = unique("o") + "@example.com"
        d = digits()
        c = self.new_customer(("email", old_email), ("phone", d), name="Ida")
        new_email = unique("n") + "@example.com"
        r = self.agent.patch("/api/v1/customers/%d" % c["id"], {
            "reason": "new address",
            "identifiers": [{"kind": "phone", "value": fmt_phone(d)[0]},
                            {"kind": "email", "value": new_email.upper()}]})
        self.assertStatus(r, 200)
        h = self.history(c["id"])["items"]
        changes = {(e["field"], e["old"], e["new"]) for e in h if e["field"] != "created"}
        self.assertEqual(changes, {("email", old_email, None), ("email", None, new_email)},
                         "the phone typed differently is no change")
        self.assertTrue(all(e["reason"] == "new address" for e in h if e["field"] == "email"))

    def test_patch_that_changes_nothing_writes_nothing(self):
        d = digits()
        email = unique("same") + "@example.com"
        c = self.new_customer(("email", email), ("phone", d), name="Same Name")
        before = self.history(c["id"])["items"]
        for body in ({"name": "Same Name"}, {"name": "  Same Name  ", "reason": "checking"},
                     {"identifiers": [{"kind": "email", "value": email.upper()},
                                      {"kind": "phone", "value": fmt_phone(d)[1]}]}, {}):
            with self.subTest(body=body):
                r = self.agent.patch("/api/v1/customers/%d" % c["id"], body)
                self.assertStatus(r, 200)
                self.assertEqual(r.json["updated_at"], c["updated_at"])
        self.assertEqual(self.history(c["id"])["items"], before)
        self.assertEqual(self.get(c["id"]), c)

    def test_channel_additions_are_recorded(self):
        email = unique("ch") + "@example.com"
        c = self.new_customer(("email", email))
        d = digits()
        r = self.agent.post("/api/v1/cases", {"subject": "no dial tone", "customer": {
            "name": "Chan Nel", "identifiers": [{"kind": "email", "value": email},
                                                {"kind": "phone", "value": d}]}})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["customer_id"], c["id"])
        h = self.history(c["id"])["items"]
        got = {(e["field"], e["old"], e["new"], e["via"], e["by"]["kind"]) for e in h[:2]}
        self.assertEqual(got, {("phone", None, "+1" + d, "case", "agent"),
                               ("name", "", "Chan Nel", "case", "agent")})

    def test_paging_newest_first(self):
        c = self.new_customer(("email", unique("pg") + "@example.com"), name="N0")
        for i in range(1, 6):
            self.assertStatus(self.agent.patch("/api/v1/customers/%d" % c["id"],
                                               {"name": "N%d" % i}), 200)
        seen, cursor = [], None
        while True:
            page = self.history(c["id"], limit=2, **({"cursor": cursor} if cursor else {}))
            self.assertLessEqual(len(page["items"]), 2)
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        self.assertEqual([e["new"] for e in seen], ["N5", "N4", "N3", "N2", "N1", "N0"])
        self.assertEqual([e["id"] for e in seen], sorted((e["id"] for e in seen), reverse=True))

    def test_history_errors(self):
        c = self.new_customer(("email", unique("he") + "@example.com"))
        url = "/api/v1/customers/%d/history" % c["id"]
        self.assertErrors([
            ("unknown customer", lambda: self.agent.get("/api/v1/customers/999999/history"),
             404, "not_found", None),
            ("not an id", lambda: self.agent.get("/api/v1/customers/x1/history"), 404, "not_found", None),
            ("limit 0", lambda: self.agent.get(url + "?limit=0"), 422, "invalid_value", "limit"),
            ("limit 201", lambda: self.agent.get(url + "?limit=201"), 422, "invalid_value", "limit"),
            ("bad cursor", lambda: self.agent.get(url + "?cursor=abc"), 422, "invalid_value", "cursor"),
            ("no token", lambda: self.anon.get(url), 401, "unauthorized", None)])

    def test_bad_corrections_change_nothing(self):
        other = self.new_customer(("email", unique("ot") + "@example.com"))
        c = self.new_customer(("email", unique("bc") + "@example.com"), name="Bea")
        path = "/api/v1/customers/%d" % c["id"]
        before = self.snapshot(c["id"])
        patch = self.agent.patch
        self.assertErrors([
            ("reason over 500", lambda: patch(path, {"name": "Bee", "reason": "x" * 501}),
             422, "invalid_value", "reason"),
            ("reason not text", lambda: patch(path, {"name": "Bee", "reason": 5}),
             400, "bad_request", "reason"),
            ("malformed JSON", lambda: self.agent.request("PATCH", path, raw=b'{"name": "Bee",'),
             400, "bad_request", None),
            ("invalid phone", lambda: patch(path, {"name": "Bee", "identifiers": [
                {"kind": "phone", "value": "call me"}]}), 422, "invalid_value", None),
            ("invalid email", lambda: patch(path, {"identifiers": [
                {"kind": "email", "value": "bee@"}]}), 422, "invalid_value", None),
            ("identifier of another", lambda: patch(path, {"name": "Bee", "identifiers": [
                other["identifiers"][0]]}), 409, "conflict", None),
            ("unknown customer", lambda: patch("/api/v1/customers/999999", {"name": "x"}),
             404, "not_found", None)])
        self.assertEqual(self.snapshot(c["id"]), before)

    def test_history_is_append_only(self):
        c = self.new_customer(("email", unique("ao") + "@example.com"), name="Ann")
        db = sqlite3.connect(self.db, timeout=30)
        try:
            for sql in ("UPDATE customer_history SET reason = 'x' WHERE customer_id = ?",
                        "DELETE FROM customer_history WHERE customer_id = ?"):
                with self.subTest(sql=sql):
                    with self.assertRaises(sqlite3.DatabaseError) as e:
                        db.execute(sql, (c["id"],))
                    self.assertIn("append-only", str(e.exception))
        finally:
            db.close()
        self.assertEqual(len(self.history(c["id"])["items"]), 1)


class Merge(Records):
    def pair(self, into_name="Gabriela López", from_name="Gaby Lopez"):
        a_email = unique("a") + "@example.com"
        b_phone, b_acct = digits(), "AC-" + digits()
        a = self.new_customer(("email", a_email), name=into_name)
        b = self.new_customer(("phone", b_phone), ("account", b_acct), name=from_name)
        return a, b, b_phone, b_acct

    def merge(self, into, from_id, reason=None, client=None, status=200):
        body = {"from_id": from_id}
        if reason is not None:
            body["reason"] = reason
        r = (client or self.agent).post("/api/v1/customers/%d/merge" % into, body)
        self.assertStatus(r, status, "merge")
        if status == 200:
            self.conform(r.json, "CustomerMergeResult")
        return r

    def test_merge_moves_cases_and_identifiers(self):
        a, b, b_phone, b_acct = self.pair()
        case_a = self.new_case(a["id"], subject="modem")["id"]
        cases_b = sorted([self.new_case(b["id"], subject="bill")["id"],
                          self.new_case(b["id"], subject="router")["id"]])
        r = self.merge(a["id"], b["id"], reason="same person, two accounts").json
        self.assertEqual(sorted(r["moved"]["cases"]), cases_b)
        self.assertEqual(r["moved"]["identifiers"], 2)
        got = r["customer"]
        self.assertEqual(got["name"], "Gabriela López", "the target's name stays")
        self.assertIsNone(got["merged_into"])
        self.assertEqual({(i["kind"], i["value"]) for i in got["identifiers"]},
                         {(i["kind"], i["value"]) for i in a["identifiers"] + b["identifiers"]})
        self.assertEqual(r["merged"]["merged_into"], a["id"])
        # every case is the survivor's, and says so on its timeline
        self.assertEqual(self.cases_of(a["id"]), sorted([case_a] + cases_b))
        self.assertEqual(self.cases_of(b["id"]), [])
        for cid in cases_b:
            ev = self.agent.get("/api/v1/cases/%d/events" % cid).json["items"]
            merged = [e for e in ev if e["type"] == "customer_merged"]
            self.assertEqual(len(merged), 1, ev)
            self.assertEqual(merged[0]["visibility"], "internal")
            self.assertEqual(merged[0]["author"]["kind"], "agent")
            self.assertEqual(merged[0]["data"]["from_customer_id"], b["id"])
            self.assertEqual(merged[0]["data"]["into_customer_id"], a["id"])
            self.assertEqual(merged[0]["data"]["reason"], "same person, two accounts")
        ev_a = self.agent.get("/api/v1/cases/%d/events" % case_a).json["items"]
        self.assertFalse([e for e in ev_a if e["type"] == "customer_merged"])
        # the old record resolves, is not found by search, and keeps history
        old = self.get(b["id"])
        self.assertEqual((old["merged_into"], old["identifiers"]), (a["id"], []))
        for text in (b_phone, b_acct, "Gaby Lopez"):
            self.assertNotIn(b["id"], [c["id"] for c in self.search(text)])
        self.assertEqual(self.search(b_phone)[0]["id"], a["id"])
        look = self.agent.get("/api/v1/customers/lookup?identifier=" + q(b_acct.lower()))
        self.assertEqual(look.json["id"], a["id"])
        ha = self.history(a["id"])["items"]
        mf = [e for e in ha if e["field"] == "merged_from"]
        self.assertEqual(len(mf), 1)
        self.assertEqual((mf[0]["other_customer_id"], mf[0]["new"], mf[0]["reason"], mf[0]["via"]),
                         (b["id"], "Gaby Lopez", "same person, two accounts", "merge"))
        added = {(e["field"], e["new"]) for e in ha if e["field"] in ("phone", "account")}
        self.assertEqual(added, {(i["kind"], i["value"]) for i in b["identifiers"]})
        hb = self.history(b["id"])["items"]
        self.assertEqual((hb[0]["field"], hb[0]["other_customer_id"]), ("merged_into", a["id"]))

    def test_nameless_target_takes_the_source_name(self):
        a = self.new_customer(("email", unique("nn") + "@example.com"))
        b = self.new_customer(("email", unique("nb") + "@example.com"), name="Zoë Ortiz")
        r = self.merge(a["id"], b["id"]).json
        self.assertEqual(r["customer"]["name"], "Zoë Ortiz")
        h = self.history(a["id"])["items"]
        self.assertIn(("name", "", "Zoë Ortiz"), {(e["field"], e["old"], e["new"]) for e in h})
        self.assertEqual(self.search("Zoe Ortiz")[0]["id"], a["id"])

    def test_refused_merges_change_nothing(self):
        a, b, _, _ = self.pair("Refuse Into", "Refuse From")
        self.new_case(b["id"], subject="kept where it is")
        c, d, _, _ = self.pair("Done Into", "Done From")
        self.merge(c["id"], d["id"])
        before = self.snapshot(a["id"], b["id"], c["id"], d["id"])
        url = "/api/v1/customers/%d/merge" % a["id"]
        post = self.agent.post
        self.assertErrors([
            ("into itself", lambda: post(url, {"from_id": a["id"]}), 422, "invalid_value", "from_id"),
            ("unknown source", lambda: post(url, {"from_id": 999999}), 404, "not_found", "from_id"),
            ("unknown target", lambda: post("/api/v1/customers/999999/merge", {"from_id": b["id"]}),
             404, "not_found", None),
            ("target not an id", lambda: post("/api/v1/customers/abc/merge", {"from_id": b["id"]}),
             404, "not_found", None),
            ("no from_id", lambda: post(url, {"reason": "x"}), 400, "bad_request", "from_id"),
            ("from_id a string", lambda: post(url, {"from_id": str(b["id"])}), 400, "bad_request", "from_id"),
            ("from_id 0", lambda: post(url, {"from_id": 0}), 422, "invalid_value", "from_id"),
            ("reason over 500", lambda: post(url, {"from_id": b["id"], "reason": "r" * 501}),
             422, "invalid_value", "reason"),
            ("malformed JSON", lambda: self.agent.request("POST", url, raw=b'{"from_id": '),
             400, "bad_request", None),
            ("not JSON", lambda: self.agent.request("POST", url, raw=b'from_id=1', ctype="text/plain"),
             415, "unsupported_media_type", None),
            ("source already merged", lambda: post(url, {"from_id": d["id"]}), 409, "conflict", "from_id"),
            ("target already merged", lambda: post("/api/v1/customers/%d/merge" % d["id"],
                                                   {"from_id": b["id"]}), 409, "conflict", None),
            ("again", lambda: post("/api/v1/customers/%d/merge" % c["id"], {"from_id": d["id"]}),
             409, "conflict", "from_id")])
        err = post(url, {"from_id": d["id"]}).json["error"]
        self.assertEqual((err["reason"], err["related_id"]), ("already_merged", c["id"]))
        self.assertEqual(post(url, {"from_id": a["id"]}).json["error"]["reason"], "merge_into_self")
        self.assertEqual(self.snapshot(a["id"], b["id"], c["id"], d["id"]), before)

    def test_tombstone_cannot_be_corrected(self):
        a, b, _, _ = self.pair("Live One", "Gone One")
        self.merge(a["id"], b["id"])
        r = self.agent.patch("/api/v1/customers/%d" % b["id"], {"name": "Back"})
        err = self.assertError(r, 409, "conflict")
        self.assertEqual((err["reason"], err["related_id"]), ("merged", a["id"]))

    def test_old_links_still_find_the_cases(self):
        a, b, _, b_acct = self.pair("Link Into", "Link From")
        case_b = self.new_case(b["id"], subject="status page kept")["id"]
        link = self.agent.post("/api/v1/cases/%d/status-link" % case_b, {})
        self.assertStatus(link, 200)
        token = link.json["url"].split("#", 1)[1]
        self.merge(a["id"], b["id"])
        view = self.anon.get("/api/v1/status/" + token)
        self.assertStatus(view, 200, "the customer's status page after the merge")
        # a case made for the old record goes to the survivor
        r = self.agent.post("/api/v1/cases", {"customer_id": b["id"], "subject": "again",
                                              "confirm_new": True})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["customer_id"], a["id"])
        # a channel that knows the customer by the moved account number finds the survivor
        r = self.agent.post("/api/v1/cases", {"subject": "by account", "confirm_new": True,
                                              "customer": {"identifiers": [
                                                  {"kind": "account", "value": b_acct}]}})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["customer_id"], a["id"])

    def test_signed_chat_identity_after_merge(self):
        """The widget's signed identity is an account number: after the
        merge the chat joins the open case that moved with it."""
        self.assertStatus(self.admin.post("/api/v1/queues", {"name": "merge"}), (200, 201))
        site = unique("site")
        r = self.admin.post("/api/v1/sites", {"key": site, "name": "Merge", "queue": "merge",
                                              "origins": "http://127.0.0.1:9"})
        self.assertStatus(r, 201)
        secret = r.json["secret"]
        a, b, _, b_acct = self.pair("Chat Into", "Chat From")
        acct = b_acct.replace("-", "")
        case_b = self.new_case(b["id"], subject="line noise")["id"]
        self.merge(a["id"], b["id"])
        sig = hmac.new(bytes.fromhex(secret), acct.encode(), hashlib.sha256).hexdigest()
        r = self.anon.post("/api/v1/chat/sessions", {"site": site, "subject": "still noisy",
                                                     "identity": {"id": acct, "signature": sig}},
                           headers={"Origin": "http://127.0.0.1:9"})
        self.assertStatus(r, 201)
        self.assertEqual(r.json["case_id"], case_b)

    def test_source_in_live_chat_is_refused(self):
        self.assertStatus(self.admin.post("/api/v1/queues", {"name": "live"}), (200, 201))
        site = unique("live")
        self.assertStatus(self.admin.post("/api/v1/sites", {
            "key": site, "name": "Live", "queue": "live", "origins": "http://127.0.0.1:9"}), 201)
        email = unique("lc") + "@example.com"
        b = self.new_customer(("email", email), name="In Chat")
        a = self.new_customer(("email", unique("la") + "@example.com"), name="Not In Chat")
        r = self.anon.post("/api/v1/chat/sessions", {"site": site, "subject": "hello",
                                                     "email": email},
                           headers={"Origin": "http://127.0.0.1:9"})
        self.assertStatus(r, 201)
        before = self.snapshot(a["id"], b["id"])
        err = self.assertError(self.agent.post("/api/v1/customers/%d/merge" % a["id"],
                                               {"from_id": b["id"]}), 409, "conflict", "from_id")
        self.assertEqual(err["reason"], "live_chat")
        self.assertEqual(self.snapshot(a["id"], b["id"]), before)
        # the other way round is fine: the record in the chat survives
        self.merge(b["id"], a["id"])


class Search(Records):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people = {}
        for name in ("John Smith", "Don Smith", "John Paul Smithers", "Gabriela López",
                     "Gabriel Lopes", "Ana Mäkinen", "Björn Østergaard"):
            r = cls.admin.post("/api/v1/customers", {"name": name, "identifiers": [
                {"kind": "email", "value": unique("p") + "@example.com"}]})
            assert r.status == 201, r
            cls.people[name] = r.json["id"]
        cls.phone = digits()
        cls.acct_digits = "%08d" % (_seq() * 7919 % 10 ** 8)
        r = cls.admin.post("/api/v1/customers", {"name": "Ida Ident", "identifiers": [
            {"kind": "phone", "value": cls.phone},
            {"kind": "email", "value": "Ida.Ident@Example.COM"},
            {"kind": "account", "value": "AC-%s-%s" % (cls.acct_digits[:4], cls.acct_digits[4:])}]})
        assert r.status == 201, r
        cls.ida = r.json["id"]

    def first(self, text):
        items = self.search(text)
        self.assertTrue(items, "nothing found for %r" % text)
        return items[0]

    def test_phone_in_any_format(self):
        for typed in fmt_phone(self.phone) + ["tel:+1%s" % self.phone]:
            with self.subTest(typed=typed):
                top = self.first(typed)
                self.assertEqual(top["id"], self.ida)
                self.assertEqual(top["match"], {"by": "phone", "score": 1.0})

    def test_email_any_case_and_spaces(self):
        for typed in ("ida.ident@example.com", "  IDA.IDENT@EXAMPLE.COM ", "mailto:Ida.Ident@example.com"):
            with self.subTest(typed=typed):
                top = self.first(typed)
                self.assertEqual((top["id"], top["match"]["by"]), (self.ida, "email"))
                self.assertEqual(top["match"]["score"], 1.0)
        top = self.first("ida.ident@exa")
        self.assertEqual((top["id"], top["match"]["by"]), (self.ida, "email"))
        self.assertLess(top["match"]["score"], 1.0, "a prefix is not exact")

    def test_account_with_or_without_dashes_spaces_prefix(self):
        d = self.acct_digits
        for typed in ("AC-%s-%s" % (d[:4], d[4:]), "ac %s %s" % (d[:4], d[4:]), d,
                      "%s-%s" % (d[:4], d[4:]), "AC" + d, "XY" + d):
            with self.subTest(typed=typed):
                top = self.first(typed)
                self.assertEqual(top["id"], self.ida)
                self.assertEqual(top["match"], {"by": "account", "score": 1.0})

    def test_name_with_typos_accents_and_any_order(self):
        for typed, want in (("Jon Smtih", "John Smith"), ("john smith", "John Smith"),
                            ("Smith John", "John Smith"), ("Grabiela Lopez", "Gabriela López"),
                            ("gabriela lópez", "Gabriela López"), ("ana makinen", "Ana Mäkinen"),
                            ("Bjorn Ostergard", "Björn Østergaard"), ("gabriela lop", "Gabriela López"), ("lopes gabriel", "Gabriel Lopes")):
            with self.subTest(typed=typed):
                top = self.first(typed)
                self.assertEqual(top["id"], self.people[want], self.search(typed))
                self.assertEqual(top["match"]["by"], "name")
                self.assertGreater(top["match"]["score"], 0.5)

    def test_ranking(self):
        items = self.search("john smith")
        ids = [c["id"] for c in items]
        self.assertEqual(ids[0], self.people["John Smith"])
        self.assertEqual(items[0]["match"]["score"], 1.0)
        self.assertIn(self.people["John Paul Smithers"], ids)
        self.assertLess(ids.index(self.people["John Smith"]), ids.index(self.people["John Paul Smithers"]))
        scores = [c["match"]["score"] for c in items]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertNotIn(self.people["Gabriela López"], ids)
        # an exact identifier ranks before any name
        c = self.new_customer(("account", "SMITH"), name="Zed Quill")
        items = self.search("smith")
        self.assertEqual((items[0]["id"], items[0]["match"]["by"]), (c["id"], "account"))
        self.assertIn(self.people["Don Smith"], [x["id"] for x in items[1:]])

    def test_no_match(self):
        self.assertEqual(self.search("Xavier Quuxbaum"), [])
        self.assertEqual(self.search("john zzzzzz"), [], "every typed word must match")

    def test_paging_ranked_results(self):
        tag = "Pagewell"
        made = [self.new_customer(("email", unique("rk") + "@example.com"),
                                  name="%s Person%d" % (tag, i))["id"] for i in range(5)]
        seen, cursor, pages = [], None, 0
        while True:
            url = "/api/v1/customers?limit=2&q=" + q(tag)
            if cursor:
                url += "&cursor=" + q(cursor)
            r = self.agent.get(url)
            self.assertStatus(r, 200)
            seen += [c["id"] for c in r.json["items"]]
            cursor = r.json["next_cursor"]
            pages += 1
            if cursor is None:
                break
            self.assertLess(pages, 10)
        self.assertEqual(sorted(seen), sorted(made), "each exactly once")

    def test_bad_queries(self):
        self.assertErrors([
            ("q over 200", lambda: self.agent.get("/api/v1/customers?q=" + "a" * 201),
             422, "invalid_value", "q"),
            ("limit 0", lambda: self.agent.get("/api/v1/customers?q=x&limit=0"),
             422, "invalid_value", "limit")])
        self.assertEqual(self.search("!!! ---"), [])
