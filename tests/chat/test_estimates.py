"""Queue positions and wait estimates as the customer sees them, and the
audit of every announced range against the actual wait (docs/chat.md,
Estimates)."""

from chatlib import ChatTest, run


class Estimates(ChatTest):
    def test_position_estimate_and_audit(self):
        async def go():
            r = self.admin.patch("/api/v1/agents/%d" % self.ids["agent2"], {"capacity": 1})
            self.assertStatus(r, 200)
            a_chat = self.start_chat("First in line")
            b_chat = self.start_chat("Second in line")
            # nobody serves the queue: a position, no made-up range
            for s, pos in ((a_chat, 1), (b_chat, 2)):
                self.assertEqual(s["contact"]["state"], "queued")
                self.assertEqual(s["contact"]["position"], pos)
                self.assertIsNone(s["contact"]["estimate"])
                self.assertTrue(s["contact"]["offer_notify"])
            ca = await self.customer(a_chat["token"])
            cb = await self.customer(b_chat["token"])
            ag = await self.agent_sock("agent2", available=True)
            # the only slot goes to the first arrival; the second now has a range
            await self.assigned(ag, a_chat["contact"]["id"])
            f = await cb.expect("contact", lambda f: f["contact"]["estimate"] is not None)
            est = f["contact"]["estimate"]
            self.assertEqual(f["contact"]["position"], 1)
            self.assertEqual(est["low_s"] % 60, 0, "whole minutes")
            self.assertEqual(est["high_s"] % 60, 0, "whole minutes")
            self.assertLess(est["low_s"], est["high_s"])
            # the first chat ends; the second is served
            await ag.send({"type": "end", "contact_id": a_chat["contact"]["id"], "status": "resolved"})
            await self.assigned(ag, b_chat["contact"]["id"])
            await ag.send({"type": "end", "contact_id": b_chat["contact"]["id"], "status": "resolved"})
            await cb.event("chat_ended")
            st = self.supervisor.get("/api/v1/chat/stats")
            self.assertStatus(st, 200)
            j = st.json
            self.assertEqual(j["served"], 2)
            self.assertEqual(j["with_estimate"], 1, "the range shown later is audited too")
            self.assertIn(j["inside_range"], (0, 1))
            self.assertEqual(j["inside_share"], j["inside_range"] / 1.0)
            await self.done(ca, cb, ag)
        run(go())

    def test_stats_input(self):
        self.assertError(self.agent.get("/api/v1/chat/stats"), 403, "forbidden")
        for bad in ("0", "2161", "abc", "5x", ""):
            with self.subTest(hours=bad):
                self.assertError(self.supervisor.get("/api/v1/chat/stats?hours=" + bad),
                                 422, "invalid_value", "hours")
        self.assertStatus(self.supervisor.get("/api/v1/chat/stats?hours=1"), 200)
