"""Cursor pagination over 60 cases with limit 25: every case exactly once,
newest first."""

from harness import ServerTest, q


class Paging(ServerTest):
    N = 60

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.post("/api/v1/customers", {"identifiers": [
            {"kind": "email", "value": "pager@example.com"}]})
        assert r.status == 201, r
        cls.cust_id = r.json["id"]
        cls.created = []
        for i in range(cls.N):
            r = cls.admin.post("/api/v1/cases", {"customer_id": cls.cust_id, "subject": "page %02d" % i,
                                                 "confirm_new": True})
            assert r.status == 201, r
            cls.created.append(r.json["id"])
        cls.by_customer = "&customer_id=%d" % cls.cust_id

    def pages(self, limit, query=""):
        pages, cursor = [], None
        while True:
            url = "/api/v1/cases?limit=%d%s" % (limit, query)
            if cursor is not None:
                url += "&cursor=" + q(cursor)
            r = self.agent.get(url)
            self.assertStatus(r, 200, url)
            pages.append(r.json["items"])
            cursor = r.json["next_cursor"]
            if cursor is None:
                return pages
            self.assertIsInstance(cursor, str)
            self.assertLess(len(pages), 20, "pagination does not end")

    def test_limit_25(self):
        pages = self.pages(25, self.by_customer)
        self.assertEqual([len(p) for p in pages], [25, 25, 10])
        ids = [c["id"] for p in pages for c in p]
        self.assertEqual(len(ids), len(set(ids)), "a case was listed twice")
        self.assertEqual(ids, list(reversed(self.created)), "not every case once, newest first")
        times = [c["created_at"] for p in pages for c in p]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_all_cases_limit_25(self):
        pages = self.pages(25)
        sizes = [len(p) for p in pages]
        self.assertTrue(all(n == 25 for n in sizes[:-1]) and sizes[-1] <= 25, sizes)
        ids = [c["id"] for p in pages for c in p]
        self.assertEqual(len(ids), len(set(ids)), "a case was listed twice")
        mine = set(self.created)
        self.assertEqual([i for i in ids if i in mine], list(reversed(self.created)))

    def test_exact_multiple(self):
        pages = self.pages(20, self.by_customer)
        self.assertIn([len(p) for p in pages], ([20, 20, 20], [20, 20, 20, 0]))
        self.assertEqual(sorted(c["id"] for p in pages for c in p), sorted(self.created))

    def test_small_pages(self):
        pages = self.pages(7, self.by_customer)
        self.assertEqual([c["id"] for p in pages for c in p], list(reversed(self.created)))

    def test_new_case_does_not_disturb_paging(self):
        r = self.agent.get("/api/v1/cases?limit=25")
        first = [c["id"] for c in r.json["items"]]
        extra = self.new_case(subject="late arrival")  # another customer
        r2 = self.agent.get("/api/v1/cases?limit=25&cursor=" + q(r.json["next_cursor"]))
        rest = [c["id"] for c in r2.json["items"]]
        self.assertNotIn(extra["id"], rest)
        self.assertFalse(set(first) & set(rest), "a case appeared on two pages")
        self.assertEqual(rest[0], self.created[-26])

    def test_bad_cursor(self):
        r = self.agent.get("/api/v1/cases?cursor=" + q("not a cursor!"))
        self.assertIn(r.status, (400, 422), "bad cursor: %r" % r)
        self.assertError(r, r.status, "bad_request" if r.status == 400 else "invalid_value")
