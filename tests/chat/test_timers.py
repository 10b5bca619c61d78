"""Timers of a live chat, with the server's clock moved forward through
HEED_TEST_CLOCK_FILE (milliseconds added to its wall clock): the agent is
reminded when the agreed hold time is reached and every 2 minutes after,
and the hold time lands on the contact and the case timeline."""

import asyncio
import os

from chatlib import ChatTest, run


class HoldReminders(ChatTest):
    @classmethod
    def server_env(cls):
        cls.clock_file = os.path.join(cls.tmp, "clock-offset")
        cls.offset = 0
        cls.move(0)
        return {"HEED_TEST_CLOCK_FILE": cls.clock_file}

    @classmethod
    def move(cls, ms):
        cls.offset += ms
        tmp = cls.clock_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(cls.offset))
        os.replace(tmp, cls.clock_file)

    def test_reminded_at_the_agreed_time_then_every_two_minutes(self):
        async def go():
            s = self.start_chat("Hold me")
            cid = s["contact"]["id"]
            c = await self.customer(s["token"])
            a = await self.agent_sock("agent2")
            await self.take(a, cid)
            await self.opened(a, s["case_id"])
            await a.send({"type": "hold_ask", "contact_id": cid, "minutes": 3})
            await c.event("hold_requested")
            self.move(10 * 60000)  # an unanswered question: no reminder, no hold time
            got = await a.quiet(1.0)
            self.assertNotIn("hold_reminder", [f["type"] for f in got])
            await c.send({"type": "hold_answer", "answer": "accept"})
            await a.event("hold_started")
            self.move(2 * 60000)  # 2 of the 3 minutes
            got = await a.quiet(1.0)
            self.assertNotIn("hold_reminder", [f["type"] for f in got], "reminded too early")
            self.move(60000 + 500)  # the agreed 3 minutes are reached
            r = await a.expect("hold_reminder", timeout=5)
            self.assertEqual(r["contact_id"], cid)
            self.assertLess(r["over_s"], 5)
            got = await a.quiet(1.0)
            self.assertNotIn("hold_reminder", [f["type"] for f in got], "reminded twice")
            self.move(2 * 60000)  # and every 2 minutes after
            r = await a.expect("hold_reminder", timeout=5)
            self.assertGreaterEqual(r["over_s"], 119)
            await a.send({"type": "hold_end", "contact_id": cid})
            ev = await c.event("hold_ended")
            self.assertGreaterEqual(ev["data"]["seconds"], 5 * 60)
            self.assertLess(ev["data"]["seconds"], 5 * 60 + 30)
            f = await a.expect("contact", lambda f: f["contact"]["state"] == "active")
            self.assertEqual(f["contact"]["hold_total_s"], ev["data"]["seconds"])
            self.move(10 * 60000)
            got = await a.quiet(1.0)
            self.assertNotIn("hold_reminder", [f["type"] for f in got], "reminded after the hold")
            await self.done(a, c)
        run(go())

    def test_gone_customer_leaves_the_queue(self):
        async def go():
            s = self.start_chat("I will close the tab")
            c = await self.customer(s["token"])
            await c.close()
            self.move(2 * 60000)
            r = self.admin.get("/api/v1/cases/%d/events" % s["case_id"])
            self.assertNotIn("customer_left", [e["type"] for e in r.json["items"]])
            # past the grace: the contact is abandoned and audited as such
            self.move(2 * 60000)
            for _ in range(150):  # generous: a sanitized build on a busy machine
                r = self.admin.get("/api/v1/cases/%d/events" % s["case_id"])
                if "customer_left" in [e["type"] for e in r.json["items"]]:
                    break
                await asyncio.sleep(0.1)
            left = [e for e in r.json["items"] if e["type"] == "customer_left"]
            self.assertEqual(len(left), 1)
            self.assertEqual(left[0]["body"], "The customer left while waiting")
            # an email-me customer keeps the place however long
            s2 = self.start_chat("Email me")
            c2 = await self.customer(s2["token"])
            await c2.send({"type": "notify", "email": "wait@example.com"})
            await c2.event("notify_requested")
            await c2.close()
            self.move(30 * 60000)
            await asyncio.sleep(1.0)
            r = self.admin.get("/api/v1/cases/%d/events" % s2["case_id"])
            self.assertNotIn("customer_left", [e["type"] for e in r.json["items"]])
        run(go())
