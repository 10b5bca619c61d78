"""Every (from, to) status pair: allowed ones succeed, others are 409
illegal_transition with the allowed list.  A PATCH to the status the case
already has is an idempotent no-op: 200, nothing changes, no event."""

from harness import ServerTest

ALLOWED = {
    "new": {"open", "pending_customer", "pending_internal", "resolved"},
    "open": {"pending_customer", "pending_internal", "resolved"},
    "pending_customer": {"open", "pending_internal", "resolved"},
    "pending_internal": {"open", "pending_customer", "resolved"},
    "resolved": {"open", "closed"},
    "closed": set(),
}
# How to reach each status from "new".
PATH_TO = {"new": [], "open": ["open"], "pending_customer": ["pending_customer"],
           "pending_internal": ["pending_internal"], "resolved": ["resolved"],
           "closed": ["resolved", "closed"]}


class Transitions(ServerTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.admin.post("/api/v1/customers", {"identifiers": [
            {"kind": "email", "value": "transitions@example.com"}]})
        assert r.status == 201, r
        cls.customer_id = r.json["id"]

    def case_in(self, status):
        c = self.new_case(self.customer_id, subject="to %s" % status)
        for s in PATH_TO[status]:
            r = self.agent.patch("/api/v1/cases/%d" % c["id"], {"status": s})
            self.assertStatus(r, 200, "driving a case to %s" % status)
        return c["id"]

    def test_all_pairs(self):
        for src in ALLOWED:
            for dst in ALLOWED:
                with self.subTest(src=src, dst=dst):
                    cid = self.case_in(src)
                    path = "/api/v1/cases/%d" % cid
                    before = self.agent.get(path + "/events?limit=200").json["items"]
                    r = self.agent.patch(path, {"status": dst})
                    after = self.agent.get(path + "/events?limit=200").json["items"]
                    if dst == src:
                        self.assertStatus(r, 200)
                        self.assertEqual(r.json["status"], src)
                        self.assertEqual(after, before, "a no-op patch added an event")
                    elif dst in ALLOWED[src]:
                        self.assertStatus(r, 200)
                        self.assertEqual(r.json["status"], dst)
                        # one status change; starting work may also set the owner
                        # and the next-action date (their own events)
                        new = [e["type"] for e in after[len(before):]]
                        self.assertEqual(new.count("status_change"), 1, new)
                        self.assertTrue(set(new) <= {"status_change", "assignment", "next_action"}, new)
                    else:
                        err = self.assertError(r, 409, "illegal_transition")
                        self.assertIsInstance(err.get("allowed"), list, "allowed missing: %r" % r)
                        self.assertEqual(set(err["allowed"]), ALLOWED[src])
                        self.assertEqual(len(err["allowed"]), len(ALLOWED[src]))
                        self.assertEqual(self.agent.get(path).json["status"], src)
                        self.assertEqual(after, before, "refused transition added an event")

    def test_reopen_cycle(self):
        cid = self.case_in("resolved")
        path = "/api/v1/cases/%d" % cid
        for s in ("open", "pending_internal", "resolved", "closed"):
            self.assertStatus(self.agent.patch(path, {"status": s}), 200)
        types = [e["type"] for e in self.agent.get(path + "/events?limit=200").json["items"]
                 if e["type"] in ("created", "status_change")]
        self.assertEqual(types, ["created"] + ["status_change"] * 5)

    def test_illegal_transition_in_combined_patch_changes_nothing(self):
        cid = self.case_in("closed")
        path = "/api/v1/cases/%d" % cid
        before = self.agent.get(path).json
        r = self.agent.patch(path, {"priority": "urgent", "status": "open"})
        self.assertError(r, 409, "illegal_transition")
        self.assertEqual(self.agent.get(path).json, before, "partial update applied")
