"""chatlib.py - WebSocket clients for heed's chat protocol (docs/chat.md).

A ChatTest is an API ServerTest (tests/api/harness.py: a real server on a
temp database, admin/supervisor/agent with tokens) plus a second plain
agent, a queue `support` and a site `shop` whose only origin is SHOP.

Sock wraps one real WebSocket (python3-websockets, asyncio) with helpers to
wait for a frame of a type while keeping every frame seen, so a test can
also assert what did NOT arrive. Tests are coroutines run with `run()`.
"""

import asyncio
import hashlib
import hmac
import json
import os
import sys

import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "api"))

from harness import ServerTest, add_agent  # noqa: E402,F401

SHOP = "http://shop.test:8000"
PROTO = "heed-chat.v1"
WAIT = 10.0  # generous: the server may run under ASan


class Closed(Exception):
    pass


class Sock:
    """One chat socket. frames: every frame received, in order."""

    def __init__(self, ws):
        self.ws = ws
        self.frames = []
        self.seen = 0  # frames[:seen] were consumed by next()/expect()

    @classmethod
    async def open(cls, port, origin=None, hello=None, headers=None):
        ws = await websockets.connect("ws://127.0.0.1:%d/ws/chat" % port, subprotocols=[PROTO],
                                      origin=origin, max_size=None, ping_interval=None,
                                      extra_headers=headers or {})
        s = cls(ws)
        if hello is not None:
            await s.send(dict(hello, type="hello"))
        return s

    async def send(self, obj):
        await self.ws.send(json.dumps(obj))

    async def send_raw(self, text):
        await self.ws.send(text)

    async def _recv(self, timeout):
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except websockets.ConnectionClosed as e:
            raise Closed(e) from e
        f = json.loads(raw)
        self.frames.append(f)
        return f

    async def next(self, timeout=WAIT):
        if self.seen < len(self.frames):
            self.seen += 1
            return self.frames[self.seen - 1]
        f = await self._recv(timeout)
        self.seen = len(self.frames)
        return f

    async def expect(self, type_, pred=None, timeout=WAIT):
        """The next frame of type_ (and pred), skipping others."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            left = end - loop.time()
            if left <= 0:
                raise AssertionError("no %r frame within %.0fs; got %s" %
                                     (type_, timeout, self.types()))
            try:
                f = await self.next(left)
            except asyncio.TimeoutError:
                continue
            if f.get("type") == type_ and (pred is None or pred(f)):
                return f

    async def event(self, etype, timeout=WAIT):
        f = await self.expect("event", lambda f: f["event"]["type"] == etype, timeout)
        return f["event"]

    async def quiet(self, seconds):
        """Collect frames for a while; return them."""
        got = []
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while True:
            left = end - loop.time()
            if left <= 0:
                return got
            try:
                got.append(await self.next(left))
            except asyncio.TimeoutError:
                return got

    async def closed(self, timeout=WAIT):
        """Wait for the server to close; return the close code."""
        try:
            while True:
                await self.next(timeout)
        except Closed:
            pass
        return self.ws.close_code

    def types(self):
        return [f.get("type") + ("/" + f["event"]["type"] if f.get("type") == "event" else "")
                for f in self.frames]

    def events(self):
        return [f["event"] for f in self.frames if f.get("type") == "event"]

    async def close(self):
        await self.ws.close()


def run(coro):
    return asyncio.run(coro)


class ChatTest(ServerTest):
    @classmethod
    def extra_setup_cli(cls):
        cls.tokens["agent2"] = add_agent(cls.db, "agent2@example.com", "Second Agent", "agent")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.anon.get("/api/v1/me", token=cls.tokens["agent2"])
        assert r.status == 200, r
        cls.ids["agent2"] = r.json["id"]
        for q in ({"name": "support"}, {"name": "billing", "skills": "billing"}):
            r = cls.admin.post("/api/v1/queues", q)
            assert r.status == 201, r
        r = cls.admin.post("/api/v1/sites", {"key": "shop", "name": "Shop", "queue": "support",
                                             "origins": SHOP})
        assert r.status == 201, r
        cls.secret = r.json["secret"]

    def start_chat(self, subject="My order never came", origin=SHOP, **extra):
        """POST /api/v1/chat/sessions as the widget would; the 201 body."""
        body = dict({"site": "shop", "subject": subject}, **extra)
        r = self.anon.post("/api/v1/chat/sessions", body, headers={"Origin": origin})
        self.assertStatus(r, 201)
        return r.json

    def sign(self, ident):
        return hmac.new(bytes.fromhex(self.secret), ident.encode(), hashlib.sha256).hexdigest()

    async def customer(self, token, last=0, origin=SHOP):
        """A customer socket past its welcome and replay."""
        s = await Sock.open(self.port, origin, {"token": token, "last_event_id": last})
        s.welcome = await s.expect("welcome")
        s.replayed = await s.expect("replayed")
        return s

    async def agent_sock(self, who="agent", available=False):
        s = await Sock.open(self.port, None, {"token": self.tokens[who]})
        s.welcome = await s.expect("welcome")
        if available:
            await s.send({"type": "presence", "status": "available"})
        return s

    async def assigned(self, agent, contact_id):
        """Wait until contact_id is assigned to this agent's socket."""
        return await agent.expect("contact", lambda f: f["contact"]["id"] == contact_id
                                  and f.get("assigned"))

    async def take(self, agent, contact_id):
        """Accept a waiting contact (routing may have given it already)."""
        await agent.send({"type": "accept", "contact_id": contact_id, "ref": "take"})
        f = await agent.expect("contact", lambda f: f["contact"]["id"] == contact_id
                               and f.get("assigned"))
        errs = [x for x in agent.frames if x.get("type") == "error" and x.get("ref") == "take"]
        if errs and errs[0]["code"] != "conflict":
            raise AssertionError("accept: %r" % errs[0])
        return f

    async def done(self, *socks):
        """End the test's chats (customers leave) and close every socket, so
        the next test starts with free agents and an empty queue."""
        for s in socks:
            if getattr(s, "welcome", {}).get("role") == "customer" and s.ws.open:
                await s.send({"type": "leave"})
                await s.quiet(0.2)
        for s in socks:
            await s.close()

    async def opened(self, agent, case_id, last=0):
        await agent.send({"type": "open", "case_id": case_id, "last_event_id": last})
        o = await agent.expect("opened", lambda f: f["case"]["id"] == case_id)
        await agent.expect("replayed", lambda f: f.get("case_id") == case_id)
        return o

    async def say(self, sock, body, cid, **extra):
        """Send a message; return its ack (the event id is stored by then)."""
        await sock.send(dict({"type": "message", "cid": cid, "body": body}, **extra))
        return await sock.expect("ack", lambda f: f.get("cid") == cid)

    def case_events(self, case_id):
        r = self.admin.get("/api/v1/cases/%d/events?limit=200" % case_id)
        self.assertStatus(r, 200)
        return r.json["items"]
