"""Email from chat, through a real SMTP server on loopback (aiosmtpd, from
python3-aiosmtpd): the transcript a customer asks for, the "an agent
replied" mail to a customer who left the page; nothing lost while the mail
server is down (retried with backoff, the clock moved through
HEED_TEST_CLOCK_FILE), nothing sent twice, a permanent refusal not retried,
and every outcome on the case's timeline."""

import asyncio
import email
import email.policy
import os
import socket
import threading
import time

from aiosmtpd.controller import Controller

from chatlib import ChatTest, run

FROM = "help@heed.test"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def text_of(msg):
    """The text/plain body, decoded (libcurl sends one text part in a
    multipart/mixed message)."""
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content()


class Inbox:
    """An aiosmtpd handler keeping every message; refuses nobody@..."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK queued"

    def to(self, addr):
        with self.lock:
            return [m for f, rcpt, m in self.messages if addr in rcpt]


class Mail(ChatTest):
    @classmethod
    def server_env(cls):
        cls.smtp_port = free_port()
        cls.inbox = Inbox()
        cls.smtp = None
        cls.smtp_up()
        cls.clock_file = os.path.join(cls.tmp, "clock-offset")
        cls.offset = 0
        cls.move(0)
        return {"HEED_SMTP_URL": "smtp://127.0.0.1:%d" % cls.smtp_port,
                "HEED_MAIL_FROM": FROM, "HEED_TEST_CLOCK_FILE": cls.clock_file}

    @classmethod
    def tearDownClass(cls):
        cls.smtp_down()
        super().tearDownClass()

    @classmethod
    def smtp_up(cls):
        cls.smtp = Controller(cls.inbox, hostname="127.0.0.1", port=cls.smtp_port)
        cls.smtp.start()

    @classmethod
    def smtp_down(cls):
        if cls.smtp:
            cls.smtp.stop()
            cls.smtp = None

    @classmethod
    def move(cls, ms):
        cls.offset += ms
        with open(cls.clock_file + ".tmp", "w") as f:
            f.write(str(cls.offset))
        os.replace(cls.clock_file + ".tmp", cls.clock_file)

    def wait_for(self, pred, what, timeout=15.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = pred()
            if v:
                return v
            time.sleep(0.1)
        self.fail("timed out waiting for " + what)

    def kinds(self, case_id):
        return [e["type"] for e in self.case_events(case_id)]

    def test_transcript_arrives(self):
        async def go():
            s = self.start_chat("Münster office printer")
            c = await self.customer(s["token"])
            a = await self.agent_sock("agent2")
            await self.take(a, s["contact"]["id"])
            await self.opened(a, s["case_id"])
            await self.say(c, "It prints blank pages — since Tuesday", "c1")
            await self.say(a, "Thanks! Which tray?", "a1", case_id=s["case_id"])
            await self.say(a, "internal: known toner issue", "n1", case_id=s["case_id"],
                           internal=True)
            await self.done(a, c)
            return s
        s = run(go())
        r = self.anon.post("/api/v1/chat/transcript/email", {"email": "Ana@Example.com"},
                           token=s["token"])
        self.assertStatus(r, 202)
        self.assertEqual(r.json["to"], "ana@example.com")
        got = self.wait_for(lambda: self.inbox.to("ana@example.com"), "the transcript")
        self.assertEqual(len(got), 1)
        m = got[0]
        self.assertEqual(m["From"], FROM)
        self.assertEqual(str(m["Subject"]), "Your conversation transcript")
        self.assertTrue(m["Message-ID"].startswith("<heed-outbox-"))
        self.assertTrue(m["Message-ID"].endswith("@heed.test>"))
        self.assertEqual(m["Auto-Submitted"], "auto-generated")
        body = text_of(m)
        for text in ("Münster office printer", "It prints blank pages — since Tuesday",
                     "Thanks! Which tray?"):
            self.assertIn(text, body)
        self.assertNotIn("known toner issue", body)
        self.wait_for(lambda: "email_sent" in self.kinds(s["case_id"]), "email_sent")
        sent = [e for e in self.case_events(s["case_id"]) if e["type"] == "email_sent"]
        self.assertEqual(sent[0]["visibility"], "internal")

    def test_mail_server_down_then_up(self):
        s = self.start_chat("Down and up")
        self.smtp_down()
        try:
            r = self.anon.post("/api/v1/chat/transcript/email", {"email": "later@example.com"},
                               token=s["token"])
            self.assertStatus(r, 202)
            self.wait_for(lambda: "email_delayed" in self.kinds(s["case_id"]), "email_delayed")
            self.assertEqual(self.inbox.to("later@example.com"), [])
        finally:
            self.smtp_up()
        # not before its retry time...
        time.sleep(2.5)
        self.assertEqual(self.inbox.to("later@example.com"), [])
        # ...then once, at the retry
        self.move(61000)
        self.wait_for(lambda: self.inbox.to("later@example.com"), "the retried mail")
        self.wait_for(lambda: "email_sent" in self.kinds(s["case_id"]), "email_sent")
        self.move(3600000)
        time.sleep(2.5)
        self.assertEqual(len(self.inbox.to("later@example.com")), 1, "sent twice")
        kinds = self.kinds(s["case_id"])
        self.assertEqual(kinds.count("email_delayed"), 1)
        self.assertEqual(kinds.count("email_sent"), 1)

    def test_permanent_refusal_is_not_retried(self):
        s = self.start_chat("Bad address")
        r = self.anon.post("/api/v1/chat/transcript/email", {"email": "nobody@example.com"},
                           token=s["token"])
        self.assertStatus(r, 202)
        self.wait_for(lambda: "email_failed" in self.kinds(s["case_id"]), "email_failed")
        failed = [e for e in self.case_events(s["case_id"]) if e["type"] == "email_failed"][0]
        self.assertIn("550", failed["body"])
        self.assertEqual(failed["data"]["attempts"], 1)
        self.move(3600000)
        time.sleep(2.0)
        self.assertEqual(self.kinds(s["case_id"]).count("email_failed"), 1)
        self.assertNotIn("email_sent", self.kinds(s["case_id"]))

    def test_agent_reply_reaches_a_customer_who_left(self):
        async def go():
            s = self.start_chat("Email me when you reply")
            c = await self.customer(s["token"])
            await c.send({"type": "notify", "email": "gone@example.com"})
            await c.event("notify_requested")
            await c.close()
            a = await self.agent_sock("agent2")
            await self.take(a, s["contact"]["id"])
            await self.opened(a, s["case_id"])
            await asyncio.sleep(0.5)  # the customer's socket is gone from the hub
            await self.say(a, "Your refund is on its way", "a1", case_id=s["case_id"])
            got = await asyncio.get_running_loop().run_in_executor(
                None, lambda: self.wait_for(lambda: self.inbox.to("gone@example.com"),
                                            "the reply by email"))
            self.assertIn("Your refund is on its way", text_of(got[0]))
            await a.send({"type": "end", "contact_id": s["contact"]["id"], "status": "resolved"})
            await a.event("chat_ended")
            await self.done(a)
        run(go())
