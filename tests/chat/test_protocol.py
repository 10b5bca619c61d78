"""The chat protocol over real WebSockets: stored before acknowledged,
reconnect with the last seen id gets exactly what was missed, and every
kind of bad input gets a clear error frame without touching anyone else's
chat (docs/chat.md)."""

import asyncio
import json

from chatlib import SHOP, ChatTest, Sock, run
from harness import PASSWORD


class Resume(ChatTest):
    def test_ack_comes_after_the_message_is_stored(self):
        async def go():
            s = self.start_chat()
            c = await self.customer(s["token"])
            ack = await self.say(c, "Order 1182 shows delivered, but nothing came", "c1")
            ids = [e["id"] for e in self.case_events(s["case_id"])]
            self.assertIn(ack["event_id"], ids, "acknowledged but not stored")
            ev = await c.expect("event", lambda f: f["event"]["id"] == ack["event_id"])
            self.assertEqual(ev["event"]["body"], "Order 1182 shows delivered, but nothing came")
            # the ack came first
            kinds = [(f["type"], f.get("event", {}).get("id")) for f in c.frames]
            self.assertLess(kinds.index(("ack", None)), kinds.index(("event", ack["event_id"])))
            await self.done(c)
        run(go())

    def test_reconnect_gets_exactly_the_missed_events(self):
        async def go():
            s = self.start_chat("Refund for a double charge", tried="Checked my bank statement")
            case_id = s["case_id"]
            c = await self.customer(s["token"])
            first = [e["id"] for e in c.events()]
            self.assertTrue(first, "the subject is the first message")
            self.assertEqual(c.replayed["last_event_id"], first[-1])
            a = await self.agent_sock("agent2")
            await self.take(a, s["contact"]["id"])
            await self.opened(a, case_id)
            await self.say(c, "Are you there?", "c1")
            seen = max(e["id"] for e in c.events())
            await c.close()

            # while the customer is away: replies, a note, a hold question
            sent = []
            for i in range(3):
                sent.append((await self.say(a, "Reply %d" % i, "a%d" % i, case_id=case_id))["event_id"])
            note = (await self.say(a, "internal: card ends 4242", "n1", case_id=case_id,
                                   internal=True))["event_id"]

            # back with the last id seen: exactly the public events after it
            c2 = await self.customer(s["token"], last=seen)
            got = [e["id"] for e in c2.events()]
            want = [e["id"] for e in self.case_events(case_id)
                    if e["id"] > seen and e["visibility"] == "public"]
            self.assertEqual(got, want)
            self.assertTrue(set(sent) <= set(got), (sent, got))
            self.assertNotIn(note, got, "an internal note reached the customer")
            self.assertEqual(len(got), len(set(got)), "an event arrived twice")
            self.assertEqual(c2.replayed["last_event_id"], want[-1])
            self.assertEqual(c2.welcome["case"]["id"], case_id)
            self.assertEqual(c2.welcome["contact"]["id"], s["contact"]["id"])

            # live again: the next reply arrives once, nothing from before
            r = await self.say(a, "Welcome back", "a9", case_id=case_id)
            await c2.expect("event", lambda f: f["event"]["id"] == r["event_id"])
            await c2.quiet(0.3)
            ids = [e["id"] for e in c2.events()]
            self.assertEqual(ids, want + [r["event_id"]])

            # and with the newest id: nothing at all is replayed
            c3 = await self.customer(s["token"], last=r["event_id"])
            self.assertEqual(c3.events(), [])
            await self.done(a, c2, c3)
        run(go())

    def test_agent_reopen_replays_notes_too(self):
        async def go():
            s = self.start_chat("Printer offline", name="Ana Lima")
            case_id = s["case_id"]
            c = await self.customer(s["token"])
            a = await self.agent_sock("agent2")
            await self.take(a, s["contact"]["id"])
            await self.opened(a, case_id)
            mark = max(e["id"] for e in a.events())
            await a.close()
            await self.say(c, "It blinks orange", "c1")
            note = self.admin.post("/api/v1/cases/%d/events" % case_id,
                                   {"type": "note", "body": "known firmware bug"})
            self.assertStatus(note, 201)
            a2 = await self.agent_sock("agent2")
            await self.opened(a2, case_id, last=mark)
            got = [e["id"] for e in a2.events()]
            want = [e["id"] for e in self.case_events(case_id) if e["id"] > mark]
            self.assertEqual(got, want)
            self.assertIn(note.json["id"], got)
            names = {e["author"]["name"] for e in a2.events() if e["author"]["kind"] == "customer"}
            self.assertEqual(names, {"Ana Lima"}, "the agent sees who wrote")
            await self.done(a2, c)
        run(go())


class BadInput(ChatTest):
    def test_forged_signature_creates_nothing(self):
        before = self.count("/api/v1/cases")
        body = {"site": "shop", "subject": "Let me in", "identity": {
            "id": "cust-77", "signature": self.sign("cust-78")}}
        r = self.anon.post("/api/v1/chat/sessions", body, headers={"Origin": SHOP})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(r.json["error"]["reason"], "bad_signature")
        body["identity"]["signature"] = "zz" * 32
        self.assertError(self.anon.post("/api/v1/chat/sessions", body, headers={"Origin": SHOP}),
                         403, "forbidden")
        self.assertEqual(self.count("/api/v1/cases"), before)
        r = self.anon.get("/api/v1/customers/lookup?identifier=cust-77")
        self.assertStatus(r, 401)
        self.assertEqual(self.admin.get("/api/v1/customers/lookup?identifier=cust-77").status, 404)

    def test_signed_identity_is_recorded_as_verified(self):
        s = self.start_chat("Change my plan", identity={"id": "cust-42",
                                                       "signature": self.sign("cust-42")})
        v = s["contact"]["verified"]
        self.assertEqual(v["method"], "signed_widget_identity")
        self.assertTime(v["at"])
        kinds = [e["type"] for e in self.case_events(s["case_id"])]
        self.assertIn("verification", kinds)
        # the same account again: the same customer, not a second record
        s2 = self.start_chat("Another question", identity={"id": "cust-42",
                                                          "signature": self.sign("cust-42")})
        c1 = self.admin.get("/api/v1/cases/%d" % s["case_id"]).json["customer_id"]
        c2 = self.admin.get("/api/v1/cases/%d" % s2["case_id"]).json["customer_id"]
        self.assertEqual(c1, c2)

    def test_a_signed_in_customer_with_an_open_case_continues_it(self):
        """No second ticket: a verified customer's new chat joins their open
        case; the same email typed by an unverified visitor gets a case of its
        own (it must not open someone's history), marked as a possible repeat."""
        cust = self.admin.post("/api/v1/customers", {"name": "Grace", "identifiers": [
            {"kind": "account", "value": "cust-55"},
            {"kind": "email", "value": "grace55@example.com"}]}).json
        case = self.admin.post("/api/v1/cases", {"customer_id": cust["id"],
                                                 "subject": "Broadband keeps dropping"}).json
        s = self.start_chat("It is dropping again", tried="rebooted the router",
                            identity={"id": "cust-55", "signature": self.sign("cust-55")})
        self.assertEqual(s["case_id"], case["id"])
        ev = self.case_events(case["id"])
        msg = [e for e in ev if e["type"] == "message"][-1]
        self.assertEqual((msg["body"], msg["author"]["kind"]), ("It is dropping again", "customer"))
        facts = self.admin.get("/api/v1/cases/%d/facts" % case["id"]).json["current"]
        self.assertEqual([f["value"] for f in facts if f["key"] == "already_tried"],
                         ["rebooted the router"])
        s2 = self.start_chat("Broadband dropping", email="grace55@example.com")
        self.assertNotEqual(s2["case_id"], case["id"])
        created = self.case_events(s2["case_id"])[0]
        self.assertEqual(created["data"].get("confirmed_over"), case["id"])

    def test_wrong_origin_is_refused(self):
        before = self.count("/api/v1/cases")
        r = self.anon.post("/api/v1/chat/sessions", {"site": "shop", "subject": "hi"},
                           headers={"Origin": "http://evil.test"})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(r.json["error"]["reason"], "origin_not_allowed")
        # readable by that page (the widget says "not available here"); it grants nothing
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), "http://evil.test")
        self.assertEqual(self.count("/api/v1/cases"), before)
        ok = self.anon.post("/api/v1/chat/sessions", {"site": "shop", "subject": "hi"},
                            headers={"Origin": SHOP})
        self.assertStatus(ok, 201)
        self.assertEqual(ok.headers.get("Access-Control-Allow-Origin"), SHOP)

        async def go():
            # a stolen token used from another site's page
            s = await Sock.open(self.port, "http://evil.test", {"token": ok.json["token"]})
            f = await s.expect("error")
            self.assertEqual(f["code"], "forbidden")
            self.assertEqual(await s.closed(), 4403)
        run(go())

    def test_unauthorized_hello(self):
        async def go():
            s = await Sock.open(self.port, SHOP)
            await s.send({"type": "message", "body": "hi", "cid": "x"})
            f = await s.expect("error")
            self.assertEqual(f["code"], "unauthorized")
            self.assertEqual(await s.closed(), 4401)
            s = await Sock.open(self.port, SHOP, {"token": "heedv_" + "A" * 43})
            self.assertEqual((await s.expect("error"))["code"], "unauthorized")
            self.assertEqual(await s.closed(), 4401)
        run(go())

    def test_console_cookie_only_from_heeds_own_pages(self):
        r = self.anon.post("/api/v1/sessions", {"email": "agent@example.com", "password": PASSWORD})
        self.assertStatus(r, 201)
        cookie = {"Cookie": "heed_session=" + r.json["token"]}
        own = "http://127.0.0.1:%d" % self.port

        async def go():
            s = await Sock.open(self.port, own, {}, headers=cookie)
            w = await s.expect("welcome")
            self.assertEqual((w["role"], w["agent"]["id"]), ("agent", self.ids["agent"]))
            await s.close()
            # a page elsewhere (even one allowed to embed the widget) cannot ride on it
            for origin in (SHOP, "http://evil.test"):
                s = await Sock.open(self.port, origin, {}, headers=cookie)
                self.assertEqual((await s.expect("error"))["code"], "forbidden")
                self.assertEqual(await s.closed(), 4403)
        run(go())

    def test_bad_frames_get_errors_and_the_socket_lives(self):
        async def go():
            s = self.start_chat()
            c = await self.customer(s["token"])
            await c.send_raw("{not json")
            self.assertEqual((await c.expect("error"))["code"], "bad_frame")
            await c.send_raw("[1,2]")
            self.assertEqual((await c.expect("error"))["code"], "bad_frame")
            await c.send({"type": "teleport", "ref": "r1"})
            f = await c.expect("error")
            self.assertEqual((f["code"], f["ref"]), ("bad_frame", "r1"))
            await c.send({"type": "message", "cid": "e1", "body": "   "})
            f = await c.expect("error")
            self.assertEqual((f["code"], f["cid"]), ("invalid_value", "e1"))
            await c.send({"type": "message", "cid": "e2", "body": 5})
            self.assertEqual((await c.expect("error"))["code"], "bad_frame")
            await c.send({"type": "message", "cid": "e3", "body": "x" * 4001})
            self.assertEqual((await c.expect("error"))["code"], "too_large")
            await c.send_raw('{"type":"message","cid":"e4","body":"\\udc80 lone surrogate"}')
            self.assertEqual((await c.expect("error"))["code"], "bad_frame")
            await c.send({"type": "ping"})
            await c.expect("pong")
            ok = await self.say(c, "still here", "c1")
            self.assertTrue(ok["event_id"])
            bodies = [e["body"] for e in self.case_events(s["case_id"])]
            self.assertEqual(bodies.count("still here"), 1)
            self.assertNotIn("   ", bodies)
            await self.done(c)
        run(go())

    def test_oversized_frame_closes_only_that_socket(self):
        async def go():
            mine = self.start_chat("Oversized")
            other = self.start_chat("Bystander")
            c = await self.customer(mine["token"])
            o = await self.customer(other["token"])
            n = len(self.case_events(mine["case_id"]))
            await c.send({"type": "message", "cid": "big", "body": "x" * (20 * 1024)})
            f = await c.expect("error")
            self.assertEqual(f["code"], "too_large")
            self.assertEqual(await c.closed(), 1009)
            self.assertEqual(len(self.case_events(mine["case_id"])), n, "a partial write")
            await self.say(o, "unaffected", "o1")
            await self.done(o)
            # the same chat resumes on a new socket
            c2 = await self.customer(mine["token"], last=0)
            self.assertEqual(c2.welcome["case"]["id"], mine["case_id"])
            await self.done(c2)
        run(go())

    def test_flood_is_rate_limited_and_others_are_not(self):
        async def go():
            mine = self.start_chat("Flood")
            other = self.start_chat("Bystander two")
            c = await self.customer(mine["token"])
            o = await self.customer(other["token"])
            for i in range(60):
                await c.send({"type": "message", "cid": "f%d" % i, "body": "spam %d" % i})
            got = await c.quiet(1.5)
            acks = [f for f in got if f["type"] == "ack"]
            limited = [f for f in got if f["type"] == "error" and f["code"] == "rate_limited"]
            self.assertGreater(len(limited), 0)
            self.assertEqual(len(acks) + len(limited), 60, [f["type"] for f in got])
            self.assertLessEqual(len(acks), 20)
            stored = [e for e in self.case_events(mine["case_id"]) if e["body"].startswith("spam")]
            self.assertEqual(len(stored), len(acks), "stored iff acknowledged")
            # the other customer's chat goes on at once
            ok = await self.say(o, "hello?", "o1")
            self.assertTrue(ok["event_id"])
            await o.send({"type": "ping"})
            await o.expect("pong", timeout=2)
            await self.done(c, o)
        run(go())

    def test_messages_to_someone_elses_chat(self):
        async def go():
            s = self.start_chat("Mine")
            theirs = self.start_chat("Theirs")
            c = await self.customer(s["token"])
            a = await self.agent_sock("agent")
            await self.take(a, s["contact"]["id"])
            await self.take(a, theirs["contact"]["id"])
            b = await self.agent_sock("agent2")
            # another plain agent may read the case but not speak in it
            await self.opened(b, s["case_id"])
            await b.send({"type": "message", "case_id": s["case_id"], "cid": "x1", "body": "hi"})
            f = await b.expect("error", lambda f: f.get("cid") == "x1")
            self.assertEqual(f["code"], "forbidden")
            await b.send({"type": "hold_ask", "contact_id": s["contact"]["id"], "minutes": 2,
                          "ref": "h"})
            self.assertEqual((await b.expect("error"))["code"], "forbidden")
            await b.send({"type": "end", "contact_id": s["contact"]["id"], "status": "resolved"})
            self.assertEqual((await b.expect("error"))["code"], "forbidden")
            # a customer may not send agent frames, nor reach another case
            await c.send({"type": "accept", "contact_id": theirs["contact"]["id"]})
            self.assertEqual((await c.expect("error"))["code"], "forbidden")
            await c.send({"type": "open", "case_id": theirs["case_id"]})
            self.assertEqual((await c.expect("error"))["code"], "forbidden")
            await self.say(c, "only mine", "c1", case_id=theirs["case_id"])
            self.assertNotIn("only mine", [e["body"] for e in self.case_events(theirs["case_id"])])
            self.assertIn("only mine", [e["body"] for e in self.case_events(s["case_id"])])
            self.assertNotIn("hi", [e["body"] for e in self.case_events(s["case_id"])])
            # unknown ids
            await a.send({"type": "hold_ask", "contact_id": 999999, "minutes": 2})
            self.assertEqual((await a.expect("error"))["code"], "not_found")
            await a.send({"type": "open", "case_id": 999999})
            self.assertEqual((await a.expect("error"))["code"], "not_found")
            await self.done(a, b, c)
        run(go())


class Steps(ChatTest):
    async def pair(self, subject):
        s = self.start_chat(subject)
        c = await self.customer(s["token"])
        a = await self.agent_sock("agent2")
        await self.take(a, s["contact"]["id"])
        await self.opened(a, s["case_id"])
        return s, c, a

    def test_hold_only_after_consent(self):
        async def go():
            s, c, a = await self.pair("Hold consent")
            cid = s["contact"]["id"]
            # an answer with nothing asked is refused
            await c.send({"type": "hold_answer", "answer": "accept"})
            self.assertEqual((await c.expect("error"))["code"], "conflict")
            await a.send({"type": "hold_ask", "contact_id": cid, "minutes": 0})
            self.assertEqual((await a.expect("error"))["code"], "invalid_value")
            await a.send({"type": "hold_ask", "contact_id": cid, "minutes": 3})
            ev = await c.event("hold_requested")
            self.assertEqual(ev["data"]["minutes"], 3)
            f = await c.expect("contact", lambda f: f["contact"]["hold"] is not None)
            self.assertEqual(f["contact"]["state"], "active", "on hold before consent")
            self.assertEqual(f["contact"]["hold"]["state"], "asked")
            await c.send({"type": "hold_answer", "answer": "decline"})
            await a.event("hold_declined")
            f = await c.expect("contact", lambda f: f["contact"]["hold"] is None)
            self.assertEqual(f["contact"]["state"], "active")
            # ask again; this time accepted
            await a.send({"type": "hold_ask", "contact_id": cid, "minutes": 2})
            await c.event("hold_requested")
            await c.send({"type": "hold_answer", "answer": "accept"})
            started = await a.event("hold_started")
            self.assertEqual(started["data"]["minutes"], 2)
            f = await a.expect("contact", lambda f: f["contact"]["state"] == "on_hold")
            self.assertTime(f["contact"]["hold"]["started_at"])
            await asyncio.sleep(1.1)
            await a.send({"type": "hold_end", "contact_id": cid})
            ended = await c.event("hold_ended")
            self.assertGreaterEqual(ended["data"]["seconds"], 1)
            f = await a.expect("contact", lambda f: f["contact"]["state"] == "active")
            self.assertGreaterEqual(f["contact"]["hold_total_s"], 1)
            kinds = [e["type"] for e in self.case_events(s["case_id"])]
            order = [k for k in kinds if k.startswith("hold_")]
            self.assertEqual(order, ["hold_requested", "hold_declined", "hold_requested",
                                     "hold_started", "hold_ended"])
            await self.done(a, c)
        run(go())

    def test_contact_me_later_instead(self):
        async def go():
            s, c, a = await self.pair("Later please")
            await a.send({"type": "hold_ask", "contact_id": s["contact"]["id"], "minutes": 5})
            await c.event("hold_requested")
            await c.send({"type": "hold_answer", "answer": "later"})
            ev = await a.event("contact_later")
            self.assertEqual(ev["author"]["kind"], "customer")
            self.assertNotIn("hold_started", [e["type"] for e in self.case_events(s["case_id"])])
            await self.done(a, c)
        run(go())

    def test_transfer_needs_a_note_and_keeps_the_case(self):
        async def go():
            s, c, a = await self.pair("Transfer me")
            cid = s["contact"]["id"]
            n = len(self.case_events(s["case_id"]))
            await a.send({"type": "transfer", "contact_id": cid, "to_queue": "billing"})
            self.assertEqual((await a.expect("error"))["code"], "invalid_value")
            await a.send({"type": "transfer", "contact_id": cid, "to_queue": "billing",
                          "note": "  "})
            self.assertEqual((await a.expect("error"))["code"], "invalid_value")
            await a.send({"type": "transfer", "contact_id": cid, "to_queue": "nowhere",
                          "note": "x"})
            self.assertIn((await a.expect("error"))["code"], ("invalid_value", "not_found"))
            self.assertEqual(len(self.case_events(s["case_id"])), n, "a refused transfer wrote")
            b = await self.agent_sock("agent")
            await a.send({"type": "transfer", "contact_id": cid, "to_agent_id": self.ids["agent"],
                          "note": "Refund approved; needs the card reissued",
                          "message": "Lee in cards can reissue it"})
            f = await b.expect("contact", lambda f: f["contact"]["id"] == cid and f.get("assigned"))
            self.assertEqual(f["contact"]["handoff"]["note"], "Refund approved; needs the card reissued")
            self.assertEqual(f["contact"]["case_id"], s["case_id"])
            tr = await c.event("transfer")
            self.assertIn("Lee in cards can reissue it", tr["body"])
            await c.quiet(0.3)
            self.assertNotIn("handoff", [e["type"] for e in c.events()])
            o = await self.opened(b, s["case_id"])
            self.assertEqual(o["contact"]["agent"]["id"], self.ids["agent"])
            self.assertIn("handoff", [e["type"] for e in b.events()])
            await self.done(a, b, c)
        run(go())

    def test_end_sets_the_case_status(self):
        async def go():
            s, c, a = await self.pair("Ending")
            await a.send({"type": "end", "contact_id": s["contact"]["id"], "status": "closed"})
            self.assertEqual((await a.expect("error"))["code"], "invalid_value")
            await a.send({"type": "end", "contact_id": s["contact"]["id"],
                          "status": "pending_customer"})
            ev = await c.event("chat_ended")
            self.assertEqual(ev["data"]["status"], "pending_customer")
            case = self.admin.get("/api/v1/cases/%d" % s["case_id"]).json
            self.assertEqual(case["status"], "pending_customer")
            # the customer's later frames say so, clearly
            await c.send({"type": "message", "cid": "late", "body": "one more thing"})
            f = await c.expect("error")
            self.assertEqual((f["code"], f["cid"]), ("conflict", "late"))
            await self.done(a, c)
        run(go())

    def test_transcript_holds_every_public_message(self):
        async def go():
            s, c, a = await self.pair("Transcript")
            await self.say(c, "first from me", "c1")
            await self.say(a, "first from the agent", "a1", case_id=s["case_id"])
            await self.say(a, "a private note", "n1", case_id=s["case_id"], internal=True)
            await self.say(c, "thanks", "c2")
            r = self.anon.get("/api/v1/chat/transcript", token=s["token"],
                              headers={"Origin": SHOP})
            self.assertStatus(r, 200)
            text = r.raw.decode()
            order = [text.index(x) for x in ("Transcript", "first from me",
                                             "first from the agent", "thanks")]
            self.assertEqual(order, sorted(order))
            self.assertNotIn("a private note", text)
            self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), SHOP)
            m = self.anon.post("/api/v1/chat/transcript/email", {"email": "ana@example.com"},
                               token=s["token"])
            self.assertStatus(m, 202)
            self.assertError(self.anon.post("/api/v1/chat/transcript/email", {"email": "nope"},
                                            token=s["token"]), 422, "invalid_value", "email")
            self.assertError(self.anon.get("/api/v1/chat/transcript", token="heedv_" + "B" * 43),
                             401, "unauthorized")
            await self.done(a, c)
        run(go())

    def test_typing_and_receipts(self):
        async def go():
            s, c, a = await self.pair("Typing")
            await a.send({"type": "typing", "case_id": s["case_id"], "on": True})
            f = await c.expect("typing")
            self.assertEqual((f["by"], f["on"]), ("agent", True))
            await c.send({"type": "typing", "on": True})
            await a.expect("typing", lambda f: f["by"] == "customer")
            ack = await self.say(c, "seen?", "c1")
            await a.send({"type": "read", "case_id": s["case_id"], "event_id": ack["event_id"]})
            r = await c.expect("receipt")
            self.assertEqual(r["read_upto"], ack["event_id"])
            await self.done(a, c)
        run(go())


class SiteByOrigin(ChatTest):
    """The embed snippet may leave out data-site: the page's origin finds it."""

    def test_site_found_by_origin(self):
        r = self.anon.post("/api/v1/chat/sessions", {"subject": "No site named"},
                           headers={"Origin": SHOP})
        self.assertStatus(r, 201)
        self.assertEqual(r.headers.get("Access-Control-Allow-Origin"), SHOP)
        r = self.anon.post("/api/v1/chat/sessions", {"subject": "x"},
                           headers={"Origin": "http://evil.test"})
        self.assertError(r, 403, "forbidden")
        self.assertEqual(r.json["error"]["reason"], "origin_not_allowed")
        self.assertError(self.anon.post("/api/v1/chat/sessions", {"subject": "x"}),
                         422, "invalid_value", "site")
        self.assertError(self.anon.post("/api/v1/chat/sessions", {"site": "nope", "subject": "x"},
                                        headers={"Origin": SHOP}), 422, "invalid_value", "site")
        # two sites on one origin: the page must say which
        r = self.admin.post("/api/v1/sites", {"key": "shop2", "name": "Shop 2", "queue": "support",
                                              "origins": "http://other.test " + SHOP})
        self.assertStatus(r, 201)
        self.assertError(self.anon.post("/api/v1/chat/sessions", {"subject": "x"},
                                        headers={"Origin": SHOP}), 422, "invalid_value", "site")
        self.assertStatus(self.anon.post("/api/v1/chat/sessions", {"subject": "x", "site": "shop2"},
                                         headers={"Origin": SHOP}), 201)
        r = self.anon.post("/api/v1/chat/sessions", {"subject": "x"},
                           headers={"Origin": "http://other.test"})
        self.assertStatus(r, 201)


if __name__ == "__main__":
    import unittest
    unittest.main()
