/*
 * tests/web/run.js - browser tests of live chat, end to end: the customer
 * widget (web/widget.js) embedded on a fake shop page of ANOTHER origin, and
 * the agent console (web/console/), both against a real `heed serve`; and
 * the customer's status page (web/status/) with the console's promises, SLA
 * clocks, plan, status link and alerts.
 *
 * Run from the repository root (build/heed must exist: `make`):
 *
 *   HEED_BIN=build/heed node tests/web/run.js            # every test
 *   HEED_BIN=build/heed node tests/web/run.js 'hold|transfer'   # names matching a regex
 *
 * What it does:
 *   - makes a temp dir, loads the demo data (`heed demo`), starts
 *     `heed serve --listen 127.0.0.1:0` with HEED_WEB_DIR=<repo>/web and reads
 *     the port from its "heed: listening on" line;
 *   - starts a small Node http server on another loopback port serving a shop
 *     page that embeds the widget with one <script> tag, as a customer would;
 *   - as admin (REST), registers a site "shop" whose only origin is that page's;
 *   - drives Debian's Chromium (/usr/bin/chromium) with playwright-core: every
 *     test has its own customer browser context(s) and agent console
 *     context(s), and ends its chats so tests do not share agent capacity;
 *   - fails a test on any JavaScript dialog (alert/confirm: injected markup
 *     ran) or uncaught page error, on either side;
 *   - stops the server with SIGTERM and expects exit status 0.
 *
 * Prints one line per test and a final `web: N passed, N failed`; exits 1 if
 * anything failed.  HEED_WEB_KEEP=1 keeps the temp dir (database, server log,
 * screenshots of failures); it is always kept when a test failed.
 * Needs: Node 20 (node:test is not used: plain async functions and
 * node:assert), tests/web/node_modules (npm ci), /usr/bin/chromium.
 * One test waits out a real 1-minute hold; the suite takes about 3.5 minutes.
 * The server reads its clock offset from <tmp>/clock (HEED_TEST_CLOCK_FILE):
 * only the last two tests move it forward (promise and SLA timers fire), so
 * no earlier test sees a jump.
 */
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '..', '..');
const HEED_BIN = path.resolve(process.env.HEED_BIN || path.join(REPO, 'build', 'heed'));
const PASS = 'heed-demo-pass';
const EMAIL = { admin: 'admin@demo.heed', sam: 'sam@demo.heed', lee: 'lee@demo.heed' };
const WAIT = 10000;             // default wait for a condition, ms
const FILTER = new RegExp(process.argv[2] || '', 'i');   // which tests, by name

let HEED = '';                  // http://127.0.0.1:PORT of heed
let SHOP = '';                  // http://127.0.0.1:PORT of the shop page
let ADMIN = '';                 // admin API token
const AGENT = {};               // email -> {id, name}
let browser = null;
let tmp = '';
let CLOCK = '';                 // the server's clock-offset file (ms to add)

/* ---------- small helpers ---------- */

const delay = (ms) => new Promise((r) => setTimeout(r, ms));

function show(v) {
  if (v instanceof Error) return v.message.split('\n')[0];
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s && s.length > 400 ? s.slice(0, 400) + '...' : s;
}

/* until - poll fn (sync or async) until it returns a truthy value; that value
 * is returned.  Throws after `timeout` ms naming what was awaited and the
 * last thing seen.  The only waiting primitive here besides locator.waitFor. */
async function until(what, fn, timeout = WAIT) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}; last: ${show(last)}`);
    await delay(50);
  }
}

/* api - one REST call to heed; returns {status, body}. */
async function api(method, p, body, token = ADMIN, headers = {}) {
  const opt = { method, headers: { ...headers } };
  if (token) opt.headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const res = await fetch(HEED + p, opt);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = text; }
  return { status: res.status, body: json, headers: res.headers };
}

async function apiOk(method, p, body) {
  const r = await api(method, p, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p}: HTTP ${r.status} ${show(r.body)}`);
  return r.body;
}

/* caseEvents - the whole timeline of a case, as admin. */
async function caseEvents(caseId) {
  const out = [];
  let after = '';
  for (;;) {
    const page = await apiOk('GET', `/api/v1/cases/${caseId}/events?limit=200${after ? '&after=' + after : ''}`);
    out.push(...page.items);
    if (!page.next_cursor) return out;
    after = page.next_cursor;
  }
}

/* countCases - every case in the database (all pages). */
async function countCases(query = '') {
  let n = 0, cursor = '';
  for (;;) {
    const page = await apiOk('GET', `/api/v1/cases?limit=200${query}${cursor ? '&cursor=' + cursor : ''}`);
    n += page.items.length;
    if (!page.next_cursor) return n;
    cursor = page.next_cursor;
  }
}

/* ---------- the server and the shop page ---------- */

function startHeed() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heed-web-'));
  const db = path.join(tmp, 'heed.db');
  CLOCK = path.join(tmp, 'clock');
  fs.writeFileSync(CLOCK, '0');
  execFileSync(HEED_BIN, ['demo', '--db', db], { stdio: ['ignore', 'ignore', 'inherit'] });
  const log = fs.openSync(path.join(tmp, 'server.log'), 'a');
  const proc = spawn(HEED_BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
    env: { ...process.env, HEED_WEB_DIR: path.join(REPO, 'web'), HEED_TEST_CLOCK_FILE: CLOCK },
    stdio: ['ignore', 'pipe', log],
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('heed did not print its listening line within 15 s')), 15000);
    const rl = readline.createInterface({ input: proc.stdout });
    rl.on('line', (line) => {
      fs.appendFileSync(path.join(tmp, 'server.log'), line + '\n');
      const m = /^heed: listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(line);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`heed exited early: ${code ?? signal}`)); });
  });
  return { proc, exited, listening };
}

/* The customer's page: a shop of another origin, widget embedded with one
 * tag.  The main page names no site (heed finds the one listing this
 * origin), exactly as the embed snippet in the README; /wrong-site names a
 * site that does not list it. */
function shopPage(site) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Outdoor - Help</title>
<style>body{font:16px Georgia,serif;margin:0;background:#faf8f2} header{background:#234;color:#fff;padding:14px 20px}
main{max-width:800px;margin:0 auto;padding:20px} button{background:#a33;color:#fff;border:0;padding:8px 14px}</style></head>
<body><header><strong>Acme Outdoor</strong> - tents, stoves, boots</header>
<main><h1>Help &amp; returns</h1><p>Questions about an order? Chat with us.</p>
<p><button type="button" id="shop-button">Add to basket</button></p></main>
<script src="${HEED}/widget.js"${site ? ` data-site="${site}"` : ''} data-queue="support"></script>
</body></html>`;
}

function startShop() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const pages = { '/': '', '/wrong-site': 'demo' };
    if (req.method === 'GET' && url.pathname in pages) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(shopPage(pages[url.pathname]));
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/* ---------- per-test browser contexts ---------- */

/* A test's world: every page it opened, what each page saw, cleanup. */
class World {
  constructor(name) {
    this.name = name;
    this.contexts = [];
    this.pages = [];        // {label, page, dialogs, errors, frames}
    this.agents = [];       // agent pages, for presence cleanup
    this.customers = [];    // customer pages, to leave live chats on failure
  }

  async newPage(label) {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    this.contexts.push(context);
    const page = await context.newPage();
    const rec = { label, page, dialogs: [], errors: [], frames: [] };
    page.on('dialog', (d) => { rec.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => rec.errors.push(String(e && e.message || e)));
    /* every WebSocket frame, parsed, with the time it was seen */
    page.on('websocket', (ws) => {
      const add = (dir) => (f) => {
        let data = null;
        try { data = JSON.parse(f.payload); } catch (e) { data = { raw: String(f.payload) }; }
        rec.frames.push({ dir, at: Date.now(), url: ws.url(), data });
      };
      ws.on('framereceived', add('in'));
      ws.on('framesent', add('out'));
    });
    page.setDefaultTimeout(WAIT);
    this.pages.push(rec);
    page.rec = rec;
    return page;
  }

  /* customer - a fresh visitor on the shop page (path: which page). */
  async customer(label, pagePath = '/') {
    const page = await this.newPage('customer:' + label);
    await page.goto(SHOP + pagePath);
    await page.getByTestId('heed-launcher').waitFor();
    this.customers.push(page);
    return page;
  }

  /* agent - a signed-in console with its socket connected. */
  async agent(who, presence) {
    const page = await this.newPage('agent:' + who);
    await page.goto(HEED + '/console/');
    await page.getByTestId('login-email').fill(EMAIL[who]);
    await page.getByTestId('login-password').fill(PASS);
    await page.getByTestId('login-submit').click();
    await until(`${who}'s console to connect`, async () => (await page.getByTestId('connection').textContent()) === 'Connected');
    page.me = AGENT[EMAIL[who]];
    this.agents.push(page);
    if (presence) await setPresence(page, presence);
    return page;
  }

  /* After each test: no dialog and no uncaught error on any page. */
  checkPages() {
    for (const r of this.pages) {
      assert.deepEqual(r.dialogs, [], `${r.label}: a JavaScript dialog opened (markup was executed?)`);
      assert.deepEqual(r.errors, [], `${r.label}: uncaught error in the page`);
    }
  }

  /* Best effort, so a failed test leaves no live chat or available agent
   * behind: customers leave, agents go offline. */
  async cleanup(failed) {
    if (failed) {
      for (const [i, r] of this.pages.entries()) {
        const base = path.join(tmp, `${this.name.replace(/\W+/g, '_').slice(0, 40)}-${i}-${r.label.replace(/\W+/g, '_')}`);
        await r.page.screenshot({ path: base + '.png' }).catch(() => {});
        fs.writeFileSync(base + '.frames.json', JSON.stringify(r.frames, null, 1));
      }
      for (const page of this.customers) await leaveChat(page, 2000).catch(() => {});
    }
    for (const page of this.agents) await setPresence(page, 'offline', 3000).catch(() => {});
    for (const c of this.contexts) await c.close().catch(() => {});
  }
}

/* ---------- widget (customer) helpers ---------- */

async function openWidget(page) {
  if (!(await page.getByTestId('heed-panel').isVisible())) await page.getByTestId('heed-launcher').click();
  await page.getByTestId('heed-panel').waitFor();
}

/* startChat - fill the pre-chat form and start; returns the 201 body. */
async function startChat(page, { name, email, subject, tried }) {
  await openWidget(page);
  if (name) await page.getByTestId('heed-name').fill(name);
  if (email) await page.getByTestId('heed-email').fill(email);
  await page.getByTestId('heed-subject').fill(subject);
  if (tried) await page.getByTestId('heed-tried').fill(tried);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url() === HEED + '/api/v1/chat/sessions' && r.request().method() === 'POST'),
    page.getByTestId('heed-start').click(),
  ]);
  const body = await resp.json();
  assert.equal(resp.status(), 201, `POST /api/v1/chat/sessions: ${show(body)}`);
  assert.match(body.token, /^heedv_[A-Za-z0-9_-]{43}$/);
  await page.getByTestId('heed-input').waitFor();
  return { caseId: body.case_id, contactId: body.contact.id, token: body.token };
}

/* widgetMessages - the message bubbles as shown, in order. */
function widgetMessages(page) {
  return page.getByTestId('heed-msg').evaluateAll((els) => els.map((e) => ({
    id: Number(e.dataset.eventId || 0), cid: e.dataset.cid || '', author: e.dataset.author,
    status: e.dataset.status || '', body: e.querySelector('.bubble').textContent })));
}

/* widgetEvents - the system lines (joined, hold, transfer...) as shown. */
function widgetEvents(page) {
  return page.getByTestId('heed-event').evaluateAll((els) => els.map((e) => ({
    id: Number(e.dataset.eventId || 0), type: e.dataset.type, text: e.textContent })));
}

/* customerSay - type and send; resolves with the bubble once acknowledged. */
async function customerSay(page, text) {
  await page.getByTestId('heed-input').fill(text);
  await page.getByTestId('heed-input').press('Enter');
  return until(`customer's "${text}" to be acknowledged`, async () =>
    (await widgetMessages(page)).find((m) => m.author === 'customer' && m.body === text && m.id));
}

async function waitWidgetMessage(page, author, text) {
  return until(`the widget to show the ${author}'s "${text}"`, async () =>
    (await widgetMessages(page)).find((m) => m.author === author && m.body === text));
}

async function widgetState(page) {
  return page.getByTestId('heed-state').getAttribute('data-state');
}

async function leaveChat(page, timeout = WAIT) {
  await openWidget(page);
  await page.getByTestId('heed-menu').click({ timeout });
  if (!(await page.getByTestId('heed-end').isVisible())) { await page.getByTestId('heed-menu').click({ timeout }); return; }
  await page.getByTestId('heed-end').click({ timeout });
  await page.getByTestId('heed-ended').waitFor({ timeout });
}

/* ---------- console (agent) helpers ---------- */

/* setPresence - choose it in the console; done when the server's queue
 * frame lists me with it (offline agents with no chats are not listed). */
async function setPresence(page, status, timeout = WAIT) {
  await page.getByTestId('presence').selectOption(status, { timeout });
  const id = String(page.me.id);
  await until(`${page.me.name} to be ${status}`, async () => {
    /* one read of the list: a row can go between two locator calls */
    const row = await page.getByTestId('agent-item').evaluateAll((els, me) => {
      const el = els.find((e) => e.dataset.agentId === me);
      return el ? el.textContent : null;
    }, id);
    return row === null ? status === 'offline' : row.includes(status + ' \u00b7');
  }, timeout);
}

function chatItem(page, caseId) {
  return page.locator(`[data-testid="chat-item"][data-case-id="${caseId}"]`);
}

/* openChat - wait for the chat in "My chats" and select it. */
async function openChat(page, caseId) {
  await chatItem(page, caseId).waitFor();
  await chatItem(page, caseId).locator('button.chat-open').click();
  await until(`case #${caseId} to be the open conversation`, async () =>
    (await page.locator('#conv-meta').textContent()).includes(`case #${caseId}`));
}

/* timeline - the console's open conversation, as shown. */
function timeline(page) {
  return page.locator('#timeline > li').evaluateAll((els) => els.map((e) => ({
    id: Number(e.dataset.eventId || 0), type: e.dataset.type || '', cls: e.className,
    body: e.querySelector('.body') ? e.querySelector('.body').textContent : null,
    status: e.querySelector('.status') ? e.querySelector('.status').textContent : null,
    text: e.textContent })));
}

async function waitTimeline(page, what, pred) {
  return until(`the console to show ${what}`, async () => (await timeline(page)).find(pred));
}

/* agentSay - send a reply (or an internal note); resolves with the stored entry. */
async function agentSay(page, text, internal = false) {
  await page.getByTestId('note-toggle').setChecked(internal);
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('send').click();
  return waitTimeline(page, `its own "${text}" stored`, (e) => e.id && e.body === text);
}

/* agentEnd - end the open chat; done when "My chats" shows it ended (the
 * console may select the next assigned chat at once, so not by the page). */
async function agentEnd(page, status = 'resolved') {
  const caseId = Number(/case #(\d+)/.exec(await page.locator('#conv-meta').textContent())[1]);
  await page.getByTestId('end').click();
  await page.getByTestId('end-status').selectOption(status);
  await page.getByTestId('end-submit').click();
  await page.getByTestId('end-dialog').waitFor({ state: 'hidden' });
  await until(`case #${caseId} to show as ended`, async () =>
    (await chatItem(page, caseId).locator('.state').textContent()) === 'Ended');
  return caseId;
}

/* framesIn - frames a page received, of a type (and pred). */
function framesIn(page, type, pred = () => true) {
  return page.rec.frames.filter((f) => f.dir === 'in' && f.data.type === type && pred(f.data));
}

/* ---------- the tests ---------- */

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

test('round trip: pre-chat answers first, messages both ways, typing, ticks', async (w) => {
  const lee = await w.agent('lee', 'available');
  const cust = await w.customer('ana');
  const who = { name: 'Ana Round', email: 'ana.round@example.com',
    subject: 'My router reboots every ten minutes', tried: 'Power-cycled it twice and swapped the power cable' };
  const chat = await startChat(cust, who);

  /* the agent gets it, with what the customer already said, before replying */
  await chatItem(lee, chat.caseId).waitFor();
  await openChat(lee, chat.caseId);
  const ctx = lee.getByTestId('context');
  await until('the subject in the conversation context', async () => (await ctx.textContent()).includes(who.subject));
  assert.ok((await ctx.textContent()).includes(who.name), 'the customer name is in the context');
  await lee.getByTestId('already-tried').waitFor();
  assert.equal(await lee.getByTestId('already-tried').textContent(), 'Already tried: ' + who.tried);
  const before = await timeline(lee);
  assert.ok(before.some((e) => e.type === 'message' && e.body === who.subject), 'the subject is the first customer message');
  assert.ok(!before.some((e) => e.type === 'message' && e.cls.includes('agent')), 'the agent has not written yet');
  assert.equal(await widgetState(cust), 'active');
  assert.match(await cust.getByTestId('heed-panel').textContent(), /Lee Chen/);

  /* customer -> agent, with the status ticks recorded as they change */
  await cust.evaluate(() => {
    const root = document.querySelector('heed-chat').shadowRoot;
    window.__ticks = [];
    new MutationObserver((ms) => {
      for (const m of ms) if (m.target.dataset && m.target.dataset.testid === 'heed-msg' && m.attributeName === 'data-status')
        window.__ticks.push([m.target.dataset.cid || '', m.target.dataset.status]);
    }).observe(root, { subtree: true, attributes: true, attributeFilter: ['data-status'] });
  });
  /* the customer typing is shown to the agent */
  await cust.getByTestId('heed-input').pressSequentially('The light', { delay: 20 });
  await lee.getByTestId('typing').waitFor();
  await cust.getByTestId('heed-input').fill('');
  const hello = 'The light on the front blinks orange before it reboots';
  const mine = await customerSay(cust, hello);
  await waitTimeline(lee, 'the customer message', (e) => e.type === 'message' && e.body === hello && e.id === mine.id);
  await until('the customer message to be marked read', async () =>
    (await widgetMessages(cust)).find((m) => m.id === mine.id).status === 'read');
  const cid = (await cust.getByTestId('heed-msg').filter({ hasText: hello }).getAttribute('data-cid'));
  const ticks = (await cust.evaluate(() => window.__ticks)).filter((t) => t[0] === cid).map((t) => t[1]);
  assert.ok(ticks.indexOf('sent') >= 0 && ticks.indexOf('sent') < ticks.indexOf('read'), `ticks went sent -> read: ${ticks}`);
  assert.equal(ticks.at(-1), 'read');

  /* the agent typing is shown to the customer, then the reply */
  await lee.getByTestId('composer').pressSequentially('Thanks, let me', { delay: 20 });
  await cust.getByTestId('heed-typing').waitFor();
  assert.equal(await cust.getByTestId('heed-typing').textContent(), 'Lee is typing\u2026');
  const reply = 'Thanks Ana - I can see the reboots on our side. Checking the line now.';
  await lee.getByTestId('composer').fill(reply);
  await lee.getByTestId('composer').press('Enter');
  const shown = await waitWidgetMessage(cust, 'agent', reply);
  assert.ok(shown.id > mine.id, 'the reply comes after the customer message');
  await cust.getByTestId('heed-typing').waitFor({ state: 'hidden' });
  assert.equal(await cust.getByTestId('heed-msg').filter({ hasText: reply }).locator('.who').textContent(), 'Lee Chen');
  /* the customer had the chat open: the agent sees "Seen" */
  await waitTimeline(lee, 'the reply marked Seen', (e) => e.body === reply && e.status === 'Seen');

  await agentEnd(lee);
  await cust.getByTestId('heed-ended').waitFor();
  assert.equal(await widgetState(cust), 'ended');
  assert.equal((await apiOk('GET', `/api/v1/cases/${chat.caseId}`)).status, 'resolved');
});

test('receipts: delivered while the agent looks elsewhere, read when they open it', async (w) => {
  const lee = await w.agent('lee', 'available');
  const c1 = await w.customer('first');
  const one = await startChat(c1, { name: 'First Visitor', subject: 'Where is my order 1001?' });
  await openChat(lee, one.caseId);
  const c2 = await w.customer('second');
  const two = await startChat(c2, { name: 'Second Visitor', subject: 'Can I change my delivery address?' });
  await chatItem(lee, two.caseId).waitFor();
  assert.ok((await lee.locator('#conv-meta').textContent()).includes(`case #${one.caseId}`), 'the first chat stays open');

  const text = 'It is flat 3, not flat 2';
  const m = await customerSay(c2, text);
  await until('the second customer message to be delivered', async () =>
    (await widgetMessages(c2)).find((x) => x.id === m.id).status === 'delivered');
  assert.equal(await c2.getByTestId('heed-msg').filter({ hasText: text }).locator('.st').textContent(), 'delivered');
  await openChat(lee, two.caseId);
  await until('the second customer message to be read', async () =>
    (await widgetMessages(c2)).find((x) => x.id === m.id).status === 'read');

  await agentEnd(lee);
  await openChat(lee, one.caseId);
  await agentEnd(lee);
  await c1.getByTestId('heed-ended').waitFor();
  await c2.getByTestId('heed-ended').waitFor();
});

test('queue: nobody available - position, honest unknown wait, assigned when an agent goes available', async (w) => {
  const lee = await w.agent('lee', 'away');
  const cust = await w.customer('waiting');
  const chat = await startChat(cust, { name: 'Quinn Waiting', subject: 'Is the Alpine 2 tent in stock?',
    tried: 'Checked the product page' });
  const q = cust.getByTestId('heed-queue');
  await q.waitFor();
  assert.equal(await widgetState(cust), 'queued');
  assert.equal(await q.getAttribute('data-position'), '1');
  assert.match(await q.textContent(), /You're next in the queue\./);
  /* nobody serves the queue: no range can be given, and the widget says so */
  const wait = cust.getByTestId('heed-wait');
  await wait.waitFor();
  assert.equal(await wait.getAttribute('data-known'), 'false');
  assert.match(await wait.textContent(), /not known/i);

  /* the agent sees who waits, and what they already said */
  const item = lee.locator(`[data-testid="queue-item"][data-contact-id="${chat.contactId}"]`);
  await item.waitFor();
  assert.match(await item.textContent(), /Is the Alpine 2 tent in stock\?/);
  assert.match(await item.textContent(), /Already tried: Checked the product page/);

  await setPresence(lee, 'available');
  await chatItem(lee, chat.caseId).waitFor();
  await until('the customer to be connected', async () => (await widgetState(cust)) === 'active');
  await q.waitFor({ state: 'hidden' });
  assert.match(await cust.getByTestId('heed-state').textContent(), /Connected/);
  await until('the join line', async () => (await widgetEvents(cust)).some((e) => e.type === 'agent_joined' && /Lee Chen/.test(e.text)));
  await openChat(lee, chat.caseId);
  await agentEnd(lee);
  await cust.getByTestId('heed-ended').waitFor();
});

test('queue: agent at capacity - positions, a wait range, served in order as chats end', async (w) => {
  const lee = AGENT[EMAIL.lee];
  await apiOk('PATCH', `/api/v1/agents/${lee.id}`, { capacity: 1 });
  try {
    const agent = await w.agent('lee', 'available');
    const a = await w.customer('a');
    const ca = await startChat(a, { name: 'Ada First', subject: 'Order 2001 arrived damaged' });
    await until('A to be connected', async () => (await widgetState(a)) === 'active');
    const b = await w.customer('b');
    const cb = await startChat(b, { name: 'Ben Second', subject: 'Order 2002 is late' });
    const c = await w.customer('c');
    const cc = await startChat(c, { name: 'Cy Third', subject: 'Order 2003 wrong size' });

    for (const [page, pos] of [[b, '1'], [c, '2']]) {
      await until(`position ${pos}`, async () => (await page.getByTestId('heed-queue').getAttribute('data-position')) === pos);
      const wait = page.getByTestId('heed-wait');
      await wait.waitFor();
      assert.equal(await wait.getAttribute('data-known'), 'true');
      assert.match(await wait.textContent(), /^(About \d+(\u2013\d+)? minutes?|less than a minute)$/);
    }
    assert.match(await c.getByTestId('heed-queue').textContent(), /You're number 2 in the queue\./);

    await openChat(agent, ca.caseId);
    await agentEnd(agent);
    await until('B to be connected', async () => (await widgetState(b)) === 'active');
    await until('C to move up to 1', async () => (await c.getByTestId('heed-queue').getAttribute('data-position')) === '1');
    assert.equal(await widgetState(c), 'queued');
    await openChat(agent, cb.caseId);
    await agentEnd(agent);
    await until('C to be connected', async () => (await widgetState(c)) === 'active');
    await openChat(agent, cc.caseId);
    await agentEnd(agent);
  } finally {
    await apiOk('PATCH', `/api/v1/agents/${lee.id}`, { capacity: 3 });
  }
});

test('hold: asked, accepted, timers on both sides, reminder at the agreed minute, resumed', async (w) => {
  const lee = await w.agent('lee', 'available');
  const cust = await w.customer('holder');
  const chat = await startChat(cust, { name: 'Hana Hold', subject: 'Refund for order 3003' });
  await openChat(lee, chat.caseId);

  await lee.getByTestId('hold-minutes').fill('1');
  await lee.getByTestId('hold-ask').click();
  /* asked, not on hold */
  await lee.getByTestId('hold-state').waitFor();
  assert.match(await lee.getByTestId('hold-state').textContent(), /Waiting for the customer's answer \(1 min hold\)/);
  const hold = cust.getByTestId('heed-hold');
  await hold.waitFor();
  assert.match(await hold.textContent(), /Lee asks to put you on hold for about 1 minute\./);
  assert.equal(await cust.getByTestId('heed-hold-accept').textContent(), 'Accept');
  assert.equal(await cust.getByTestId('heed-hold-decline').textContent(), 'No, stay with me');
  assert.equal(await cust.getByTestId('heed-hold-later').textContent(), 'Contact me later instead');
  assert.equal(await widgetState(cust), 'active', 'not on hold before the customer answers');
  assert.equal(await cust.getByTestId('heed-hold-timer').count(), 0);
  assert.equal(await lee.getByTestId('hold-timer').count(), 0);
  assert.equal(await chatItem(lee, chat.caseId).locator('.state').textContent(), 'Hold asked');
  const asked = framesIn(cust, 'contact').at(-1).data.contact;
  assert.equal(asked.state, 'active');
  assert.equal(asked.hold.state, 'asked');
  assert.equal(asked.hold.started_at, null);

  const acceptedAt = Date.now();
  await cust.getByTestId('heed-hold-accept').click();
  await cust.getByTestId('heed-hold-timer').waitFor();
  await lee.getByTestId('hold-timer').waitFor();
  await until('the customer to be on hold', async () => (await widgetState(cust)) === 'on_hold');
  assert.match(await lee.getByTestId('hold-state').textContent(), /On hold, agreed 1 min/);
  /* both timers run */
  const t0c = await cust.getByTestId('heed-hold-timer').locator('.clock').textContent();
  const t0a = await lee.getByTestId('hold-timer').textContent();
  assert.match(t0c, /^00:0\d$/);
  await until('the customer hold timer to advance', async () =>
    (await cust.getByTestId('heed-hold-timer').locator('.clock').textContent()) > t0c, 3000);
  await until('the agent hold timer to advance', async () => (await lee.getByTestId('hold-timer').textContent()) > t0a, 3000);
  assert.ok(await lee.getByTestId('hold-reminder').isHidden(), 'no reminder before the agreed time');

  /* the server reminds the agent when the minute is up: not before */
  const frame = await until('the hold_reminder frame', () =>
    framesIn(lee, 'hold_reminder', (d) => d.contact_id === chat.contactId)[0], 75000);
  const after = frame.at - acceptedAt;
  assert.ok(after >= 59500 && after <= 65000, `reminder ${after} ms after Accept`);
  assert.ok([0, 1].includes(frame.data.over_s), `over_s ${frame.data.over_s} at the agreed time`);
  await lee.getByTestId('hold-reminder').waitFor();
  assert.match(await lee.getByTestId('hold-reminder').textContent(), /Agreed hold time reached/);
  await until('the customer to see the hold ran over', async () =>
    /longer than agreed/.test(await cust.getByTestId('heed-hold-timer').textContent()));

  await lee.getByTestId('hold-resume').click();
  await hold.waitFor({ state: 'hidden' });
  await lee.getByTestId('hold-ask').waitFor();
  assert.ok(await lee.getByTestId('hold-reminder').isHidden());
  await until('the customer to be back', async () => (await widgetState(cust)) === 'active');
  const back = await until('the back-from-hold line', async () => (await widgetEvents(cust)).find((e) => e.type === 'hold_ended'));
  assert.match(back.text, /^Back from hold after 01:\d\d$/);

  const evs = (await caseEvents(chat.caseId)).filter((e) => e.type.startsWith('hold_'));
  assert.deepEqual(evs.map((e) => e.type), ['hold_requested', 'hold_started', 'hold_ended']);
  assert.equal(evs[0].data.minutes, 1);
  assert.equal(evs[1].data.minutes, 1);
  assert.ok(evs[2].data.seconds >= 60 && evs[2].data.seconds < 90, `held ${evs[2].data.seconds} s`);
  for (const t of ['hold_requested', 'hold_started', 'hold_ended']) {
    await waitTimeline(lee, t, (e) => e.type === t);
  }
  await agentEnd(lee);
});

test('hold: the customer declines and stays connected', async (w) => {
  const lee = await w.agent('lee', 'available');
  const cust = await w.customer('decliner');
  const chat = await startChat(cust, { name: 'Dee Cline', subject: 'Question about my warranty' });
  await openChat(lee, chat.caseId);
  await lee.getByTestId('hold-minutes').fill('2');
  await lee.getByTestId('hold-ask').click();
  await cust.getByTestId('heed-hold-decline').click();
  await cust.getByTestId('heed-hold').waitFor({ state: 'hidden' });
  await lee.getByTestId('hold-ask').waitFor();
  assert.equal(await lee.getByTestId('hold-state').count(), 0);
  assert.equal(await lee.getByTestId('hold-timer').count(), 0);
  await until('the decline line', async () => (await widgetEvents(cust)).some((e) => e.type === 'hold_declined'));
  await waitTimeline(lee, 'the decline', (e) => e.type === 'hold_declined');
  assert.equal(await widgetState(cust), 'active');
  /* still talking */
  const m = await customerSay(cust, 'Thanks, I will wait here');
  await waitTimeline(lee, 'the message after declining', (e) => e.id === m.id);
  const types = (await caseEvents(chat.caseId)).map((e) => e.type).filter((t) => t.startsWith('hold_'));
  assert.deepEqual(types, ['hold_requested', 'hold_declined']);
  await agentEnd(lee);
});

test('hold: "contact me later instead" ends the chat, case pending on us', async (w) => {
  const lee = await w.agent('lee', 'available');
  const cust = await w.customer('later');
  const chat = await startChat(cust, { name: 'Lou Later', subject: 'Exchange boots for a bigger size' });
  await openChat(lee, chat.caseId);
  await lee.getByTestId('hold-minutes').fill('5');
  await lee.getByTestId('hold-ask').click();
  await cust.getByTestId('heed-hold-later').click();
  await cust.getByTestId('heed-ended').waitFor();
  assert.equal(await widgetState(cust), 'ended');
  await lee.getByTestId('close-chat').waitFor();
  await waitTimeline(lee, 'the contact-later line', (e) => e.type === 'contact_later');
  assert.equal((await apiOk('GET', `/api/v1/cases/${chat.caseId}`)).status, 'pending_internal');
  await lee.getByTestId('close-chat').click();
});

test('transfer: a note is required, the next agent sees it first, same case', async (w) => {
  const casesBefore = await countCases();
  const lee = await w.agent('lee', 'available');
  const sam = await w.agent('sam', 'away');       // not routed to, but can receive a transfer
  const cust = await w.customer('transferee');
  const tried = 'Restarted the app and re-entered the card';
  const chat = await startChat(cust, { name: 'Toni Transfer', email: 'toni@example.com',
    subject: 'I was charged twice for order 4004', tried });
  await openChat(lee, chat.caseId);
  const m1 = await customerSay(cust, 'Both charges are 89.00');
  await waitTimeline(lee, 'the customer message', (e) => e.id === m1.id);
  await agentSay(lee, 'I see both charges. Our billing team can refund one.');

  /* no note, no transfer */
  await lee.getByTestId('transfer').click();
  const dialog = lee.getByTestId('transfer-dialog');
  await dialog.waitFor();
  await lee.getByTestId('transfer-agent').selectOption(String(sam.me.id));
  const submit = lee.getByTestId('transfer-submit');
  const why = lee.getByTestId('transfer-error');
  /* the note starts as heed's summary of the case (identity.js) */
  const noteBox = lee.getByTestId('transfer-note');
  await until('the drafted summary', async () => (await noteBox.inputValue()).startsWith(`Case ${chat.caseId}: I was charged twice`));
  assert.match(await noteBox.inputValue(), /Already known \(do not ask again\):\n- already_tried: "Restarted the app/);
  assert.ok(!(await submit.isDisabled()), 'the draft is a note');
  await noteBox.fill('');
  assert.ok(await submit.isDisabled(), 'submit disabled without a note');
  await why.waitFor();
  assert.match(await why.textContent(), /note/i);
  await lee.getByTestId('transfer-note').fill('   \n  ');
  assert.ok(await submit.isDisabled(), 'a blank note is no note');
  assert.ok(await why.isVisible());
  /* the server refuses it too, whatever the page does */
  const refused = await lee.evaluate(async ({ contactId, to }) => {
    const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/chat', 'heed-chat.v1');
    const frames = [];
    await new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
    const next = (type) => new Promise((res) => {
      const look = () => { const f = frames.find((x) => x.type === type); if (f) res(f); else setTimeout(look, 20); };
      look();
    });
    ws.onmessage = (e) => frames.push(JSON.parse(e.data));
    ws.send(JSON.stringify({ type: 'hello', last_event_id: 0 }));
    await next('welcome');
    ws.send(JSON.stringify({ type: 'transfer', contact_id: contactId, to_agent_id: to, note: '  ', ref: 't1' }));
    const e1 = await next('error');
    frames.length = 0;
    ws.send(JSON.stringify({ type: 'transfer', contact_id: contactId, to_agent_id: to, ref: 't2' }));
    const e2 = await next('error');
    ws.close();
    return [e1, e2];
  }, { contactId: chat.contactId, to: sam.me.id });
  assert.deepEqual(refused.map((e) => [e.code, e.ref]), [['invalid_value', 't1'], ['invalid_value', 't2']]);
  assert.equal((await apiOk('GET', `/api/v1/cases/${chat.caseId}`)).owner_id, lee.me.id, 'still Lee\'s');

  const note = 'Double charge confirmed in the payment log (two captures, 89.00 each). Refund the second capture; card already re-entered, do not ask again.';
  await lee.getByTestId('transfer-note').fill(note);
  await lee.getByTestId('transfer-message').fill('Sam in billing can refund this directly');
  assert.ok(await submit.isEnabled());
  assert.ok(await why.isHidden());
  await submit.click();
  await dialog.waitFor({ state: 'hidden' });

  /* Lee lets go of it */
  await chatItem(lee, chat.caseId).waitFor({ state: 'detached' });
  /* Sam gets it with the note and the facts on top, and the history */
  await chatItem(sam, chat.caseId).waitFor();
  await openChat(sam, chat.caseId);
  const hn = sam.getByTestId('handoff-note');
  await hn.waitFor();
  assert.equal(await hn.textContent(), 'From Lee Chen: ' + note);
  assert.equal(await sam.getByTestId('already-tried').textContent(), 'Already tried: ' + tried);
  const ctxBox = await sam.getByTestId('context').boundingBox();
  const tlBox = await sam.getByTestId('timeline').boundingBox();
  assert.ok(ctxBox.y < tlBox.y, 'the context is above the conversation');
  await waitTimeline(sam, 'the earlier customer message', (e) => e.id === m1.id);
  await waitTimeline(sam, 'the internal handoff entry', (e) => e.type === 'handoff' && e.cls.includes('internal') && e.text.includes(note));
  assert.match(await sam.locator('#conv-meta').textContent(), new RegExp(`case #${chat.caseId}\\b`));

  /* the customer sees who they go to, never the note */
  const tr = await until('the transfer line', async () => (await widgetEvents(cust)).find((e) => e.type === 'transfer'));
  assert.equal(tr.text, 'Transferring you to Sam Okafor: Sam in billing can refund this directly');
  await until('the header to name Sam', async () => /Sam Okafor/.test(await cust.getByTestId('heed-panel').locator('header').textContent()));
  assert.ok(!(await cust.getByTestId('heed-messages').textContent()).includes('payment log'), 'the handoff note is internal');

  /* same case, same conversation */
  const k = await apiOk('GET', `/api/v1/cases/${chat.caseId}`);
  assert.equal(k.owner_id, sam.me.id);
  assert.equal(await countCases(), casesBefore + 1, 'one case for the whole chat');
  const contactFrames = framesIn(cust, 'contact');
  assert.ok(contactFrames.length > 0 && contactFrames.every((f) => f.data.contact.case_id === chat.caseId && f.data.contact.id === chat.contactId));
  const r = await agentSay(sam, 'Hi Toni, Sam here. The second charge is refunded.');
  await waitWidgetMessage(cust, 'agent', r.body);
  assert.equal(await cust.getByTestId('heed-msg').filter({ hasText: r.body }).locator('.who').textContent(), 'Sam Okafor');
  await agentEnd(sam);
  await cust.getByTestId('heed-ended').waitFor();
});

test('reload: the same conversation and case come back, nothing twice', async (w) => {
  const lee = await w.agent('lee', 'available');
  const cust = await w.customer('reloader');
  const chat = await startChat(cust, { name: 'Remy Reload', email: 'remy@example.com', subject: 'Tracking number does not work' });
  const k0 = await apiOk('GET', `/api/v1/cases/${chat.caseId}`);
  const casesBefore = await countCases();
  const mineBefore = await countCases(`&customer_id=${k0.customer_id}`);
  await openChat(lee, chat.caseId);
  await customerSay(cust, 'It says the number is unknown');
  await agentSay(lee, 'Which number do you have?');
  await customerSay(cust, 'AC123456789');
  await agentSay(lee, 'Thanks, that one was mistyped on our side.');
  await waitWidgetMessage(cust, 'agent', 'Thanks, that one was mistyped on our side.');
  const before = await widgetMessages(cust);
  const beforeEvents = await widgetEvents(cust);
  assert.equal(before.length, 5, 'subject + 4 messages');

  let started = 0;
  cust.on('request', (r) => { if (r.url().endsWith('/api/v1/chat/sessions')) started++; });
  await cust.reload();
  await cust.getByTestId('heed-panel').waitFor();
  await until('the history to be replayed', async () => (await widgetMessages(cust)).length >= before.length);
  await until('the socket to be live again', () => framesIn(cust, 'replayed').length >= 2);
  const welcome = framesIn(cust, 'welcome').at(-1).data;
  assert.equal(welcome.case.id, chat.caseId);
  assert.equal(welcome.contact.id, chat.contactId);
  const after = await widgetMessages(cust);
  assert.deepEqual(after.map((m) => [m.id, m.author, m.body]), before.map((m) => [m.id, m.author, m.body]));
  assert.deepEqual((await widgetEvents(cust)).map((e) => e.id), beforeEvents.map((e) => e.id));
  assert.equal(await widgetState(cust), 'active');
  assert.equal(await cust.getByTestId('heed-form').isVisible(), false, 'not asked again');

  const n1 = await customerSay(cust, 'Got it working, thanks');
  await waitTimeline(lee, 'the message after the reload', (e) => e.id === n1.id);
  const n2 = await agentSay(lee, 'Great - anything else?');
  await waitWidgetMessage(cust, 'agent', n2.body);
  const ids = (await widgetMessages(cust)).map((m) => m.id);
  assert.equal(new Set(ids).size, ids.length, `no message shown twice: ${ids}`);
  assert.deepEqual([...ids].sort((a, b) => a - b), [...before.map((m) => m.id), n1.id, n2.id].sort((a, b) => a - b));
  const tl = (await timeline(lee)).filter((e) => e.id).map((e) => e.id);
  assert.equal(new Set(tl).size, tl.length, 'the console shows nothing twice');
  assert.equal(await lee.getByTestId('chat-item').count(), 1, 'one chat in the console');

  assert.equal(started, 0, 'no new chat started by the reload');
  assert.equal(await countCases(), casesBefore, 'no new case');
  assert.equal(await countCases(`&customer_id=${k0.customer_id}`), mineBefore);
  await agentEnd(lee);
  await cust.getByTestId('heed-ended').waitFor();
});

test('transcript: download has every public message in order and no note; email confirmation', async (w) => {
  const lee = await w.agent('lee', 'available');
  const cust = await w.customer('transcript');
  const subject = 'Stove 5005 will not light';
  const chat = await startChat(cust, { name: 'Theo Script', subject });
  await openChat(lee, chat.caseId);
  const lines = [];
  lines.push((await customerSay(cust, 'The igniter clicks but no flame')).body);
  lines.push((await agentSay(lee, 'Is the gas canister new?')).body);
  const secret = 'INTERNAL: known igniter batch fault, replace without asking for receipt';
  await agentSay(lee, secret, true);
  lines.push((await customerSay(cust, 'Yes, bought it yesterday')).body);
  lines.push((await agentSay(lee, 'We will send you a replacement igniter today.')).body);
  await waitWidgetMessage(cust, 'agent', lines.at(-1));
  assert.ok(!(await cust.getByTestId('heed-messages').textContent()).includes('INTERNAL'), 'the note is not shown to the customer');
  assert.ok((await timeline(lee)).some((e) => e.body === secret && e.cls.includes('internal')));

  await cust.getByTestId('heed-menu').click();
  const [dl] = await Promise.all([cust.waitForEvent('download'), cust.getByTestId('heed-download').click()]);
  assert.equal(dl.suggestedFilename(), `heed-transcript-${chat.caseId}.txt`);
  const file = path.join(tmp, `transcript-${chat.caseId}.txt`);
  await dl.saveAs(file);
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith(`Conversation #${chat.caseId}: ${subject}\n`), text.slice(0, 200));
  assert.ok(!text.includes('INTERNAL') && !text.includes('igniter batch'), 'no internal note in the transcript');
  let at = -1;
  for (const [i, body] of [subject, ...lines].entries()) {
    const who = i === 2 || i === 4 ? 'Lee Chen' : 'You';
    const re = new RegExp(`^\\[[^\\]]+\\] ${who}: ${body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
    const m = re.exec(text);
    assert.ok(m, `"${who}: ${body}" in the transcript:\n${text}`);
    assert.ok(m.index > at, `"${body}" in order`);
    at = m.index;
  }

  /* no email given before: the widget asks for one */
  await cust.getByTestId('heed-menu').click();
  await cust.getByTestId('heed-email-transcript').click();
  const input = cust.getByTestId('heed-transcript-email');
  await input.waitFor();
  let emailed = 0;
  cust.on('request', (r) => { if (r.url().endsWith('/api/v1/chat/transcript/email')) emailed++; });
  /* not an address at all: the browser's own check stops it */
  await input.fill('not-an-email');
  await cust.getByTestId('heed-transcript-send').click();
  assert.notEqual(await input.evaluate((el) => el.validationMessage), '', 'the browser flags the address');
  /* an address the browser lets through but the widget does not */
  await input.fill('theo@example');
  await cust.getByTestId('heed-transcript-send').click();
  await until('the bad address to be refused', async () =>
    (await cust.getByTestId('heed-notice').locator('span').textContent()) === 'Please enter a valid email address.');
  assert.equal(emailed, 0, 'nothing sent for a bad address');
  await input.fill('theo@example.com');
  const [resp] = await Promise.all([
    cust.waitForResponse((r) => r.url() === HEED + '/api/v1/chat/transcript/email' && r.request().method() === 'POST'),
    cust.getByTestId('heed-transcript-send').click(),
  ]);
  assert.equal(resp.status(), 202);
  /* (not resp.json(): it never resolved in our runs - the widget does not read this body) */
  assert.deepEqual(resp.request().postDataJSON(), { email: 'theo@example.com' });
  const notice = cust.getByTestId('heed-notice');
  await until('the confirmation', async () => (await notice.getAttribute('data-kind')) === 'info');
  assert.equal(await notice.locator('span').textContent(), "We'll email the transcript to theo@example.com.");
  await agentEnd(lee);
});

test('bad input: no empty messages; markup is shown as text on both sides, never run', async (w) => {
  const lee = await w.agent('lee', 'away');
  const cust = await w.customer('mallory');
  /* an empty form does not start a chat */
  await openWidget(cust);
  let posts = 0;
  cust.on('request', (r) => { if (r.url().endsWith('/api/v1/chat/sessions') && r.method() === 'POST') posts++; });
  await cust.getByTestId('heed-start').click();
  await cust.getByTestId('heed-form-error').waitFor();
  assert.equal(await cust.getByTestId('heed-form-error').textContent(), 'Please tell us what we can help with.');
  assert.equal(posts, 0);

  const evil = '<img src=x onerror=alert(1)>';
  const chat = await startChat(cust, { name: '<b>Mallory</b>', subject: evil + ' in the subject' });
  /* accepted from the waiting list: the markup there is text too */
  const item = lee.locator(`[data-testid="queue-item"][data-contact-id="${chat.contactId}"]`);
  await item.waitFor();
  assert.equal(await item.locator('.subject').textContent(), evil + ' in the subject');
  assert.equal(await item.locator('.name').textContent(), '<b>Mallory</b>');
  await item.getByTestId('accept').click();
  await chatItem(lee, chat.caseId).waitFor();
  await openChat(lee, chat.caseId);
  await until('the context subject', async () => (await lee.locator('.ctx-subject').textContent()) === evil + ' in the subject');

  /* empty and blank messages are not sent (no bubble now; no frame: checked
   * below, once a real message has gone out after them) */
  const sentBodies = (page) => page.rec.frames.filter((f) => f.dir === 'out' && f.data.type === 'message').map((f) => f.data.body);
  const count0 = await cust.getByTestId('heed-msg').count();
  await cust.getByTestId('heed-send').click();
  await cust.getByTestId('heed-input').fill('   \n ');
  await cust.getByTestId('heed-input').press('Enter');
  await cust.getByTestId('heed-send').click();
  assert.equal(await cust.getByTestId('heed-msg').count(), count0);
  const lcount0 = (await timeline(lee)).length;
  await lee.getByTestId('send').click();
  await lee.getByTestId('composer').fill('  ');
  await lee.getByTestId('composer').press('Enter');
  assert.equal((await timeline(lee)).length, lcount0);
  assert.equal(await lee.getByTestId('event-pending').count(), 0);

  /* markup both ways */
  const m = await customerSay(cust, evil);
  assert.deepEqual(sentBodies(cust), [evil], 'the widget sent no empty message');
  const got = await waitTimeline(lee, 'the markup message', (e) => e.id === m.id);
  assert.equal(got.body, evil);
  const back = '<script>alert(2)</script><b>bold?</b> <img src=y onerror="alert(3)">';
  await agentSay(lee, back);
  assert.deepEqual(sentBodies(lee), [back], 'the console sent no empty message');
  const shown = await waitWidgetMessage(cust, 'agent', back);
  assert.ok(shown.id > m.id);
  /* a message the widget sends after the markup ones: everything before it has rendered */
  const last = await customerSay(cust, 'done');
  await waitTimeline(lee, 'the last message', (e) => e.id === last.id);
  assert.equal(await cust.locator('heed-chat').evaluate((h) => h.shadowRoot.querySelectorAll('img, script, b').length), 0);
  assert.equal(await lee.locator('#conv-body').evaluate((el) => el.querySelectorAll('img, script, b').length), 0);
  assert.equal(await lee.locator('#queue, #my-chats').evaluateAll((els) => els.reduce((n, el) => n + el.querySelectorAll('img, b').length, 0)), 0);
  await agentEnd(lee);
  /* checkPages() after the test asserts no dialog opened anywhere */
});

test('origin: a site that does not list the page origin refuses the chat, and says so', async (w) => {
  const cust = await w.customer('elsewhere', '/wrong-site');
  const before = await countCases();
  await openWidget(cust);
  await cust.getByTestId('heed-subject').fill('Hello from a page the site does not list');
  await cust.getByTestId('heed-start').click();
  const err = cust.getByTestId('heed-form-error');
  await err.waitFor();
  assert.equal(await countCases(), before, 'no case for a refused origin');
  assert.ok(await cust.getByTestId('heed-form').isVisible(), 'still on the form');
  /* what the browser was told: the same request, made from Node */
  const r = await api('POST', '/api/v1/chat/sessions', { site: 'demo', queue: 'support', subject: 'x' }, '', { Origin: SHOP });
  const acao = r.headers.get('access-control-allow-origin');
  assert.equal(r.status, 403);
  assert.ok([r.body.error.code, r.body.error.reason].includes('origin_not_allowed'), show(r.body));
  const text = await err.textContent();
  assert.equal(text, 'Chat is not available on this website. Please contact us another way.',
    `the customer is told "${text}": the 403 origin_not_allowed reply has ` +
    (acao ? `Access-Control-Allow-Origin: ${acao}` : 'no Access-Control-Allow-Origin header, so the browser cannot read it ' +
      'and the widget can only report a network failure'));
});

/* ---------- status page and the case's commitments ---------- */

let uniq = 0;

/* newCase - a customer with an email, and a case of theirs, by REST. */
async function newCase({ name = 'Ada Byron', subject = 'Router keeps dropping', owner = 'sam', queue = 'support', message } = {}) {
  const email = `status.${process.pid}.${Date.now()}.${++uniq}@example.com`;
  const cust = await apiOk('POST', '/api/v1/customers', { name, identifiers: [{ kind: 'email', value: email }] });
  const body = { customer_id: cust.id, subject, queue };
  if (message) body.message = message;
  if (owner) body.owner_id = AGENT[EMAIL[owner]].id;
  const kase = await apiOk('POST', '/api/v1/cases', body);
  return { cust, kase, email };
}

/* statusLink - the case's status-page link (made, or a new one); the token
 * is the URL fragment. */
async function statusLink(caseId, rotate = false) {
  const r = await apiOk('POST', `/api/v1/cases/${caseId}/status-link`, rotate ? { rotate: true } : {});
  const m = /\/status\/#([A-Za-z0-9_-]{16,})$/.exec(r.url || '');
  assert.ok(m, `a status url ending in /status/#TOKEN: ${show(r)}`);
  return { url: r.url, token: m[1] };
}

/* openStatus - the status page in a fresh browser context (no cookies),
 * keeping every status API reply it read. */
async function openStatus(w, token, label = 'customer') {
  const page = await w.newPage('status:' + label);
  page.statusReplies = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(HEED + '/api/v1/status/')) return;
    const rec = { url: r.url(), method: r.request().method(), status: r.status(), text: null };
    page.statusReplies.push(rec);
    r.text().then((t) => { rec.text = t; }, () => {});
  });
  await page.goto(HEED + '/status/' + (token === null ? '' : '#' + token));
  return page;
}

/* statusView - what the status API says now, asked without any credential. */
async function statusView(token) {
  const r = await api('GET', '/api/v1/status/' + token, undefined, '');
  assert.equal(r.status, 200, `GET /api/v1/status/TOKEN: ${show(r.body)}`);
  return r.body;
}

/* statusTimeline - the status page's timeline, as shown. */
function statusTimeline(page) {
  return page.getByTestId('status-event').evaluateAll((els) => els.map((e) => ({
    id: Number(e.dataset.eventId), type: e.dataset.type, author: e.dataset.author,
    body: e.querySelector('.body') ? e.querySelector('.body').textContent : null, text: e.textContent })));
}

/* pageHas - whether the text occurs in what the page shows or holds. */
async function pageHas(page, text) {
  const shown = await page.evaluate(() => document.body.innerText);
  const html = await page.content();
  return shown.includes(text) || html.includes(text);
}

/* localInput - ms as a datetime-local value in the browser's time zone. */
function localInput(page, ms) {
  return page.evaluate((t) => {
    const d = new Date(t);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);
}

/* openCaseInConsole - open a case by its number; done when it is the
 * conversation and its panel of promises is there. */
async function openCaseInConsole(page, caseId) {
  await page.getByTestId('open-case-id').fill(String(caseId));
  await page.getByTestId('open-case').click();
  await until(`case #${caseId} to be the open conversation`, async () =>
    (await page.locator('#conv-meta').textContent()).includes(`case #${caseId}`));
  await page.getByTestId('case-tools').waitFor();
}

/* noErrorNotices - the console said nothing went wrong. */
async function noErrorNotices(page) {
  const errors = await page.locator('#notices .notice.error').allTextContents();
  assert.deepEqual(errors, [], 'error notices in the console');
}

/* slaBadges - the SLA strip as shown: metric -> {state, text, cls}. */
function slaBadges(page) {
  return page.getByTestId('sla-badge').evaluateAll((els) => Object.fromEntries(els.map((e) =>
    [e.dataset.metric, { state: e.dataset.state, text: e.textContent, cls: e.className }])));
}

function promiseItems(page) {
  return page.getByTestId('promise').evaluateAll((els) => els.map((e) => ({
    id: Number(e.dataset.promiseId), state: e.dataset.state, kind: e.dataset.kind, text: e.textContent })));
}

async function casePromises(caseId) {
  return (await apiOk('GET', `/api/v1/cases/${caseId}/promises`)).items;
}

test('status page: what the customer sees at each stage, never internal notes', async (w) => {
  const SECRET = 'INTERNAL-ONLY secret margin note';
  const sam = AGENT[EMAIL.sam];
  const { kase } = await newCase({ name: 'Ada Byron', subject: 'Router keeps dropping', owner: 'sam' });
  const id = kase.id;
  await apiOk('POST', `/api/v1/cases/${id}/events`, { type: 'note', body: SECRET + ': we could waive the fee' });
  const said = 'We found a fault on your line and will replace the card.';
  await apiOk('POST', `/api/v1/cases/${id}/events`, { type: 'message', body: said });
  const prop = await apiOk('GET', `/api/v1/promises/proposal?case_id=${id}&kind=callback`);
  const promise = await apiOk('POST', `/api/v1/cases/${id}/promises`, { kind: 'callback', in_minutes: prop.minutes + 30 });
  assert.equal(promise.state, 'pending', show(promise));
  const plan = 'Replace the line card at the exchange, then test the line with you.';
  await apiOk('PATCH', `/api/v1/cases/${id}`, { plan });
  const link = await statusLink(id);

  /* what the customer sees: where it stands, what happens next and by when, the plan */
  const page = await openStatus(w, link.token);
  const v1 = await statusView(link.token);
  await until('the standing', async () => (await page.getByTestId('status-standing').textContent()) === v1.standing);
  assert.ok(v1.standing, 'the API says where things stand');
  assert.equal(await page.getByTestId('status-title').textContent(), 'Router keeps dropping');
  assert.ok((await page.getByTestId('status-greeting').textContent()).includes('Ada Byron'));
  const next = page.getByTestId('status-next');
  assert.equal(v1.promises.length, 1, show(v1.promises));
  assert.equal(v1.promises[0].due_at, promise.due_at);
  assert.match(await next.textContent(), /^We will call you back by .+\.$/);
  assert.ok((await next.textContent()).startsWith(v1.next.replace(/\.$/, '')), `next follows the API's "${v1.next}"`);
  assert.equal(await next.locator('time').getAttribute('datetime'), promise.due_at, 'by the promise due time');
  const shownPromise = page.getByTestId('status-promise');
  assert.equal(await shownPromise.count(), 1);
  assert.equal(await shownPromise.getAttribute('data-kind'), 'callback');
  assert.equal(await shownPromise.locator('time').first().getAttribute('datetime'), promise.due_at);
  assert.equal(await page.getByTestId('status-plan').textContent(), plan);
  const tl = await statusTimeline(page);
  assert.ok(tl.some((e) => e.type === 'message' && e.author === 'agent' && e.body === said), 'the agent message: ' + show(tl));
  assert.ok(tl.some((e) => e.type === 'promise_made'), 'the promise on the timeline');
  assert.ok(!(await page.getByTestId('status-followup').isVisible()), 'no "Is it fixed?" before resolution');

  /* never the internal note: not shown, not in the page, not in what it fetched */
  assert.ok(!(await pageHas(page, SECRET)), 'the internal note is not on the page');
  await until('the replies read', () => page.statusReplies.length && page.statusReplies.every((r) => r.text !== null));
  for (const r of page.statusReplies) assert.ok(!r.text.includes(SECRET), `the internal note in ${r.method} ${r.url}`);
  assert.ok(!JSON.stringify(v1).includes(SECRET));

  /* the customer adds information: a public customer message on the case */
  const mine = 'It dropped again at 9:40, twice. The modem light was red.';
  await page.getByTestId('status-message-input').fill(mine);
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${HEED}/api/v1/status/${link.token}/messages` && r.request().method() === 'POST'),
    page.getByTestId('status-send').click(),
  ]);
  assert.equal(post.status(), 201, await post.text());
  const ev = await until('the message on the case timeline', async () =>
    (await caseEvents(id)).find((e) => e.type === 'message' && e.body === mine));
  assert.equal(ev.visibility, 'public');
  assert.equal(ev.author.kind, 'customer');
  await until('the page to show it', async () => (await statusTimeline(page)).find((e) => e.body === mine && e.author === 'customer'));
  assert.equal(await page.getByTestId('status-message-input').inputValue(), '');

  /* resolved: the page says so and asks whether it is fixed */
  await apiOk('PATCH', `/api/v1/cases/${id}`, { status: 'resolved' });
  await page.reload();
  const v2 = await statusView(link.token);
  assert.equal(v2.case.status, 'resolved');
  assert.equal(v2.can_answer, true);
  assert.notEqual(v2.standing, v1.standing);
  await until('the resolved standing', async () => (await page.getByTestId('status-standing').textContent()) === v2.standing);
  assert.ok((await page.getByTestId('status-case-ref').textContent()).includes('resolved'));
  await page.getByTestId('status-followup').waitFor();
  assert.ok((await page.getByTestId('status-followup').textContent()).includes('Is your problem fixed?'));

  /* "No", ease 3, a comment: one POST; reopened to the same owner */
  await page.getByTestId('status-fixed-no').click();
  await page.getByTestId('status-ease').getByLabel('3', { exact: true }).check();
  const comment = 'Still drops every evening around 8.';
  await page.getByTestId('status-comment').fill(comment);
  const [ans] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${HEED}/api/v1/status/${link.token}/followup` && r.request().method() === 'POST'),
    page.getByTestId('status-answer-send').click(),
  ]);
  assert.equal(ans.status(), 200, await ans.text());
  assert.deepEqual(ans.request().postDataJSON(), { fixed: false, ease: 3, comment });
  const done = page.getByTestId('status-answer-done');
  await done.waitFor();
  assert.match(await done.textContent(), /^Thank you/);
  const k = await apiOk('GET', `/api/v1/cases/${id}`);
  assert.equal(k.status, 'open', 'reopened');
  assert.equal(k.owner_id, sam.id, 'the same owner');
  const evs = await caseEvents(id);
  assert.ok(evs.some((e) => e.type === 'message' && e.author.kind === 'customer' && e.visibility === 'public' && e.body === comment),
    'the comment is the customer\'s message: ' + show(evs.slice(-4)));
  const v3 = await statusView(link.token);
  assert.equal(v3.can_answer, false);
  assert.deepEqual([v3.followup.state, v3.followup.fixed, v3.followup.ease], ['answered', false, 3]);
  await until('the new standing', async () => (await page.getByTestId('status-standing').textContent()) === v3.standing);
  assert.ok(!(await page.getByTestId('status-followup').isVisible()), 'asked once only');
  assert.ok(await page.getByTestId('status-send').isEnabled(), 'the customer can still write');
  assert.ok((await page.getByTestId('status-case-ref').textContent()).includes('in progress'));
  assert.ok(!(await pageHas(page, SECRET)), 'still no internal note');
  for (const r of page.statusReplies) assert.ok(r.text === null || !r.text.includes(SECRET), `the internal note in ${r.method} ${r.url}`);
});

test('status page: a revoked link shows a clear message', async (w) => {
  const subject = 'Invoice shows the wrong address';
  const { kase } = await newCase({ subject });
  const first = await statusLink(kase.id);
  assert.equal((await statusLink(kase.id)).token, first.token, 'asking again gives the same link');
  const page = await openStatus(w, first.token, 'open-before');
  await until('the case on the page', async () => (await page.getByTestId('status-title').textContent()) === subject);

  const fresh = await statusLink(kase.id, true);
  assert.notEqual(fresh.token, first.token, 'a new link');
  const NOT_VALID = 'This link is not valid any more. Ask us for a new one.';
  const old = await openStatus(w, first.token, 'old');
  await old.getByTestId('status-invalid').waitFor();
  assert.equal((await old.getByTestId('status-invalid').innerText()).replace(/\s+/g, ' ').trim(), NOT_VALID);
  assert.ok(!(await pageHas(old, subject)), 'nothing of the case');
  assert.ok(!(await old.getByTestId('status-standing').isVisible()));
  assert.ok(old.statusReplies.length && old.statusReplies.every((r) => r.status === 404), show(old.statusReplies));

  /* the page left open learns it at its next action, and shows no more of the case */
  await page.getByTestId('status-message-input').fill('Are you still there?');
  await page.getByTestId('status-send').click();
  await page.getByTestId('status-invalid').waitFor();
  assert.ok(!(await page.evaluate(() => document.body.innerText)).includes(subject), 'the open page forgot the case');
  assert.ok(!(await caseEvents(kase.id)).some((e) => e.body === 'Are you still there?'), 'nothing stored by the old link');

  /* the new link works until it is turned off */
  const cur = await openStatus(w, fresh.token, 'new');
  await until('the case on the new link', async () => (await cur.getByTestId('status-title').textContent()) === subject);
  const del = await api('DELETE', `/api/v1/cases/${kase.id}/status-link`);
  assert.equal(del.status, 204, show(del.body));
  const off = await openStatus(w, fresh.token, 'off');
  await off.getByTestId('status-invalid').waitFor();
  assert.ok(!(await pageHas(off, subject)));
  /* and with no token at all */
  const none = await openStatus(w, null, 'none');
  await none.getByTestId('status-invalid').waitFor();
  assert.equal(none.statusReplies.length, 0, 'nothing asked without a token');
});

test('status page: a closed case takes no more messages, and says why', async (w) => {
  const { kase } = await newCase({ name: 'Cora Closed', subject: 'Cancel my old line' });
  await apiOk('PATCH', `/api/v1/cases/${kase.id}`, { status: 'resolved' });
  const link = await statusLink(kase.id);
  const page = await openStatus(w, link.token);
  await page.getByTestId('status-followup').waitFor();
  /* closed while the page is open: the customer's message is refused with the server's words */
  await apiOk('PATCH', `/api/v1/cases/${kase.id}`, { status: 'closed' });
  await page.getByTestId('status-message-input').fill('One more thing about the old line.');
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${HEED}/api/v1/status/${link.token}/messages` && r.request().method() === 'POST'),
    page.getByTestId('status-send').click(),
  ]);
  const body = await post.json();
  assert.equal(post.status(), 409, show(body));
  assert.equal(body.error.reason, 'case_closed');
  const err = page.getByTestId('status-error');
  await err.waitFor();
  assert.equal(await err.textContent(), body.error.message);
  /* and the page now says it is closed: no form to write in, no question */
  await until('the closed standing', async () => (await page.getByTestId('status-standing').textContent()) === (await statusView(link.token)).standing);
  assert.ok(await page.getByTestId('status-message-input').isDisabled());
  assert.ok(await page.getByTestId('status-send').isDisabled());
  assert.ok(!(await page.getByTestId('status-followup').isVisible()));
  assert.ok(!(await caseEvents(kase.id)).some((e) => e.body === 'One more thing about the old line.'));
});

test('status page: markup in a message is shown as text', async (w) => {
  const evil = '<img src=x onerror=alert(1)>';
  const { kase } = await newCase({ name: '<b>Mal</b> Lory', subject: evil + ' subject' });
  await apiOk('POST', `/api/v1/cases/${kase.id}/events`, { type: 'message', body: evil });
  const plan = '<script>alert(2)</script> <i>plan</i>';
  await apiOk('PATCH', `/api/v1/cases/${kase.id}`, { plan });
  const link = await statusLink(kase.id);
  const page = await openStatus(w, link.token);
  await until('the agent markup message', async () => (await statusTimeline(page)).find((e) => e.author === 'agent' && e.body === evil));
  assert.equal(await page.getByTestId('status-title').textContent(), evil + ' subject');
  assert.equal(await page.getByTestId('status-plan').textContent(), plan);
  assert.ok((await page.getByTestId('status-greeting').textContent()).includes('<b>Mal</b> Lory'));
  const back = '<svg onload=alert(3)></svg><b>bold?</b>';
  await page.getByTestId('status-message-input').fill(back);
  await page.getByTestId('status-send').click();
  await until('the customer markup message', async () => (await statusTimeline(page)).find((e) => e.author === 'customer' && e.body === back));
  assert.equal(await page.locator('.page').evaluate((el) => el.querySelectorAll('img, script, svg, b, i').length), 0);
  /* checkPages() after the test asserts no dialog opened */
});

test('console: promise with the proposed time, keep it by logging a call', async (w) => {
  const { kase } = await newCase({ name: 'Grace Call', subject: 'Please call me about my contract', owner: 'lee',
    message: 'Please call me after five about moving my contract date.' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await until('the customer\'s name over the case', async () => (await lee.locator('#conv-name').textContent()) === 'Grace Call');
  await until('no promises yet', async () => (await lee.getByTestId('promises').textContent()) === 'No promises on this case.');

  /* SLA clocks, as badges */
  const sla = (await apiOk('GET', `/api/v1/cases/${kase.id}/sla`)).items;
  if (sla.length) {
    await until('the SLA badges', async () => (await lee.getByTestId('sla-badge').count()) === sla.length);
    const metrics = await lee.getByTestId('sla-badge').evaluateAll((els) => els.map((e) => e.dataset.metric + ':' + e.dataset.state));
    assert.deepEqual(metrics.sort(), sla.map((c) => c.metric + ':' + c.state).sort());
  }

  /* choose "call back": the proposal from history (or the default) is offered */
  const prop = await apiOk('GET', `/api/v1/promises/proposal?case_id=${kase.id}&kind=callback`);
  await lee.getByTestId('promise-new').click();
  await lee.getByTestId('promise-kind').selectOption('callback');
  const text = await until('the proposal', async () => {
    const t = await lee.getByTestId('promise-proposal').textContent();
    return /^(History|Default)/.test(t) && t;
  });
  if (prop.basis === 'history') assert.match(text, /^History: 80% of callbacks in the support queue were kept within /);
  else assert.match(text, /^Default until there is enough history: /);
  assert.ok(text.includes(prop.minutes % 60 ? `${prop.minutes % 60} min` : `${prop.minutes / 60} h`), text);
  const offered = await lee.evaluate((v) => new Date(v).getTime(), await lee.getByTestId('promise-due').inputValue());
  assert.ok(Math.abs(offered - Date.parse(prop.due_at)) < 2 * 60000, `offered ${new Date(offered).toISOString()}, proposed ${prop.due_at}`);
  const [resp] = await Promise.all([
    lee.waitForResponse((r) => r.url() === `${HEED}/api/v1/cases/${kase.id}/promises` && r.request().method() === 'POST'),
    lee.getByTestId('promise-submit').click(),
  ]);
  assert.equal(resp.status(), 201, await resp.text());
  assert.deepEqual(resp.request().postDataJSON(), { kind: 'callback', in_minutes: prop.minutes, confirm_short: false });
  await until('the pending promise', async () => (await promiseItems(lee)).find((p) => p.kind === 'callback' && p.state === 'pending'));
  let ps = await casePromises(kase.id);
  assert.equal(ps.length, 1);
  assert.deepEqual([ps[0].kind, ps[0].state, ps[0].short_confirmed, ps[0].channel], ['callback', 'pending', false, 'phone']);
  assert.ok(!(await lee.getByTestId('promise-form').isVisible()), 'the form closes');

  /* the call is logged: the callback promise is kept */
  const summary = 'Called Grace: the contract date moves to March.';
  await lee.getByTestId('call-summary').fill(summary);
  await lee.getByTestId('log-call').click();
  await until('the promise kept', async () => (await promiseItems(lee)).find((p) => p.id === ps[0].id && p.state === 'kept'));
  ps = await casePromises(kase.id);
  assert.equal(ps[0].state, 'kept');
  const call = (await caseEvents(kase.id)).find((e) => e.type === 'call');
  assert.ok(call, 'a call event');
  assert.deepEqual([call.body, call.author.kind, call.author.id], [summary, 'agent', AGENT[EMAIL.lee].id]);
  assert.equal(await lee.getByTestId('call-summary').inputValue(), '');
  await waitTimeline(lee, 'the call on the timeline', (e) => e.type === 'call' && e.text.includes(summary));
  await noErrorNotices(lee);
});

test('console: SLA clocks as badges, kept up to date as the case moves', async (w) => {
  await apiOk('POST', '/api/v1/sla-policies', { queue: 'web-sla', priority: 'any',
    first_response_minutes: 30, next_response_minutes: 60, resolution_minutes: 600 });
  const { kase } = await newCase({ name: 'Sue Clock', subject: 'Slow line in the mornings', owner: 'lee', queue: 'web-sla' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  const sla = (await apiOk('GET', `/api/v1/cases/${kase.id}/sla`)).items;
  assert.ok(sla.length >= 2, show(sla));
  let b = await until('the SLA badges', async () => { const x = await slaBadges(lee); return Object.keys(x).length === sla.length && x; });
  assert.deepEqual(Object.keys(b).sort(), sla.map((c) => c.metric).sort());
  for (const c of sla) assert.equal(b[c.metric].state, c.state);
  assert.match(b.first_response.text, /^First response: due (\w+ \d+ )?\d\d:\d\d$/);
  assert.match(b.resolution.text, /^Resolution: due /);

  /* an agent answers: first response met, live */
  await apiOk('POST', `/api/v1/cases/${kase.id}/events`, { type: 'message', body: 'We are looking at your line now.' });
  b = await until('first response met', async () => { const x = await slaBadges(lee); return x.first_response.state === 'met' && x; });
  assert.match(b.first_response.text, /^First response: met \d\d:\d\d$/);
  assert.match(b.first_response.cls, /sla-met/);

  /* waiting on the customer: the resolution clock is paused (read when the case is opened) */
  await apiOk('PATCH', `/api/v1/cases/${kase.id}`, { status: 'pending_customer' });
  await lee.locator('#close-chat').click();
  await openCaseInConsole(lee, kase.id);
  b = await until('resolution paused', async () => { const x = await slaBadges(lee); return x.resolution && x.resolution.state === 'paused' && x; });
  assert.equal(b.resolution.text, 'Resolution: paused');

  /* the customer writes from the status page: open again, clocks running, live */
  const link = await statusLink(kase.id);
  const r = await api('POST', `/api/v1/status/${link.token}/messages`, { body: 'Here are the test results you asked for.' }, '');
  assert.equal(r.status, 201, show(r.body));
  b = await until('resolution running again', async () => { const x = await slaBadges(lee); return x.resolution.state === 'running' && x; });
  assert.match(b.resolution.text, /^Resolution: due /);
  if (b.next_response) assert.equal(b.next_response.state, 'running');
  await noErrorNotices(lee);
});

test('console: a shorter promise needs "Promise it anyway"; more time and cancel are told to the customer', async (w) => {
  const { kase } = await newCase({ name: 'Hedy Short', subject: 'When will you answer?', owner: 'lee' });
  const link = await statusLink(kase.id);
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await lee.getByTestId('promise-new').click();
  await lee.getByTestId('promise-kind').selectOption('reply');
  await until('the proposal', async () => /^(History|Default)/.test(await lee.getByTestId('promise-proposal').textContent()));
  const prop = await apiOk('GET', `/api/v1/promises/proposal?case_id=${kase.id}&kind=reply`);
  assert.ok(prop.minutes > 20, 'a reply takes longer than 20 min here: ' + show(prop));
  await lee.getByTestId('promise-due').fill(await localInput(lee, Date.now() + 15 * 60000));
  assert.ok(!(await lee.getByTestId('promise-confirm-short').isVisible()));
  const [r1] = await Promise.all([
    lee.waitForResponse((r) => r.url() === `${HEED}/api/v1/cases/${kase.id}/promises` && r.request().method() === 'POST'),
    lee.getByTestId('promise-submit').click(),
  ]);
  const b1 = await r1.json();
  assert.equal(r1.status(), 409, show(b1));
  assert.equal(b1.error.reason, 'shorter_than_estimate');
  await lee.getByTestId('promise-error').waitFor();
  assert.equal(await lee.getByTestId('promise-error').textContent(), b1.error.message);
  assert.deepEqual(await casePromises(kase.id), [], 'nothing promised yet');
  await lee.getByTestId('promise-confirm-short').check();
  const [r2] = await Promise.all([
    lee.waitForResponse((r) => r.url() === `${HEED}/api/v1/cases/${kase.id}/promises` && r.request().method() === 'POST'),
    lee.getByTestId('promise-submit').click(),
  ]);
  assert.equal(r2.status(), 201, await r2.text());
  assert.equal(r2.request().postDataJSON().confirm_short, true);
  const first = (await r2.json());
  assert.equal(first.short_confirmed, true);
  await until('the pending reply promise', async () => (await promiseItems(lee)).find((p) => p.id === first.id && p.state === 'pending'));

  /* need more time: a new time and a reason */
  const item = lee.locator(`[data-testid="promise"][data-promise-id="${first.id}"]`);
  await item.getByTestId('promise-revise').click();
  const later = Date.now() + 5 * 3600000;
  await item.getByTestId('promise-revise-due').fill(await localInput(lee, later));
  await item.getByTestId('promise-revise-reason').fill('The supplier answers tomorrow morning.');
  await item.getByTestId('promise-revise-confirm').click();
  const second = await until('a new pending promise', async () =>
    (await casePromises(kase.id)).find((p) => p.state === 'pending' && p.id !== first.id));
  assert.ok(Math.abs(Date.parse(second.due_at) - later) < 2 * 60000, `new due ${second.due_at}`);
  assert.notEqual((await casePromises(kase.id)).find((p) => p.id === first.id).state, 'pending');
  await until('the console to show it', async () => (await promiseItems(lee)).find((p) => p.id === second.id && p.state === 'pending'));

  /* cancel, with a reason */
  const item2 = lee.locator(`[data-testid="promise"][data-promise-id="${second.id}"]`);
  await item2.getByTestId('promise-cancel').click();
  await item2.getByTestId('promise-cancel-confirm').click();
  await item2.getByTestId('promise-edit-error').waitFor();
  assert.equal(await item2.getByTestId('promise-edit-error').textContent(), 'Give a reason.');
  await item2.getByTestId('promise-reason').fill('The customer found the answer themselves.');
  await item2.getByTestId('promise-cancel-confirm').click();
  await until('no pending promise', async () => !(await casePromises(kase.id)).some((p) => p.state === 'pending'));
  await until('none pending in the console', async () => !(await promiseItems(lee)).some((p) => p.state === 'pending'));
  const cancelled = (await casePromises(kase.id)).find((p) => p.id === second.id);
  assert.deepEqual([cancelled.state, cancelled.reason], ['cancelled', 'The customer found the answer themselves.']);

  /* the customer was told, on the status page */
  const v = await statusView(link.token);
  const types = v.timeline.map((e) => e.type);
  assert.ok(types.includes('promise_made') && types.includes('promise_cancelled'), show(types));
  assert.deepEqual(v.promises, []);
});

test('console: plan and next action; the status link made, replaced and turned off', async (w) => {
  const { kase } = await newCase({ name: 'Alan Plan', subject: 'Line noise at night', owner: 'lee' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  const plan = 'Send an engineer on Tuesday; test the line from the cabinet first.';
  const at = Date.now() + 26 * 3600000;
  await lee.getByTestId('next-action-at').fill(await localInput(lee, at));
  await lee.getByTestId('plan-input').fill(plan);
  const [patch] = await Promise.all([
    lee.waitForResponse((r) => r.url() === `${HEED}/api/v1/cases/${kase.id}` && r.request().method() === 'PATCH'),
    lee.getByTestId('plan-save').click(),
  ]);
  assert.equal(patch.status(), 200, await patch.text());
  let k = await apiOk('GET', `/api/v1/cases/${kase.id}`);
  assert.equal(k.plan, plan);
  assert.ok(Math.abs(Date.parse(k.next_action_at) - at) < 60000, `next_action_at ${k.next_action_at}`);
  assert.equal(k.status_url, null);

  /* the link: made on request, shown, the customer's page shows the plan */
  await lee.getByTestId('status-link').click();
  const url1 = await until('the link shown', async () => lee.getByTestId('status-link-url').inputValue());
  k = await apiOk('GET', `/api/v1/cases/${kase.id}`);
  assert.equal(k.status_url, url1);
  const tok1 = url1.split('#')[1];
  const page = await openStatus(w, tok1);
  await until('the plan on the status page', async () => (await page.getByTestId('status-plan').textContent()) === plan);

  /* a new link: the old one is dead */
  await lee.getByTestId('status-link-rotate').click();
  const url2 = await until('a new link shown', async () => {
    const u = await lee.getByTestId('status-link-url').inputValue();
    return u !== url1 && u;
  });
  assert.equal((await api('GET', '/api/v1/status/' + tok1, undefined, '')).status, 404);
  const tok2 = url2.split('#')[1];
  assert.equal((await statusView(tok2)).plan, plan);

  /* turned off */
  await lee.getByTestId('status-link-off').click();
  await lee.getByTestId('status-link-url').waitFor({ state: 'hidden' });
  assert.equal((await api('GET', '/api/v1/status/' + tok2, undefined, '')).status, 404);
  assert.equal((await apiOk('GET', `/api/v1/cases/${kase.id}`)).status_url, null);
});

/* Last: it moves the server's clock forward (and leaves it there). */
/* ---------- resolution powers (web/console/actions.js) ---------- */

function actionItems(page) {
  return page.getByTestId('action').evaluateAll((els) => els.map((e) => ({
    id: Number(e.dataset.actionId), state: e.dataset.state, text: e.textContent })));
}

async function caseActions(caseId) {
  return (await apiOk('GET', `/api/v1/cases/${caseId}/actions`)).items;
}

/* takeAction - fill the Actions form and submit; the API's reply. */
async function takeAction(page, caseId, { kind = 'credit', amount, reason }) {
  await page.getByTestId('action-kind').selectOption(kind);
  if (amount !== undefined) await page.getByTestId('action-amount').fill(amount);
  await page.getByTestId('action-reason').fill(reason);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url() === `${HEED}/api/v1/cases/${caseId}/actions` && r.request().method() === 'POST'),
    page.getByTestId('action-submit').click(),
  ]);
  return { status: resp.status(), body: await resp.json() };
}

test('actions: an agent within the limit credits at once; the customer is told', async (w) => {
  const { kase } = await newCase({ name: 'Rita Refund', subject: 'Charged twice for May', owner: 'lee' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await until('no actions yet', async () => (await lee.getByTestId('actions-list').textContent()) === 'No actions on this case.');
  await until('the allowance said up front', async () =>
    (await lee.getByTestId('action-allowance').textContent()) === 'You can do up to 25.00 USD more on this case yourself.');
  assert.equal(await lee.getByTestId('action-currency').inputValue(), 'USD', 'the policy\'s currency');
  await lee.getByTestId('action-amount').fill('10.00');
  assert.equal(await lee.getByTestId('action-allowance').getAttribute('data-over'), 'false');
  assert.equal(await lee.getByTestId('action-submit').textContent(), 'Credit now');
  const why = 'Billed twice <img src=x onerror=alert(1)>';
  const r = await takeAction(lee, kase.id, { reason: why });
  assert.equal(r.status, 201, show(r.body));
  assert.deepEqual([r.body.state, r.body.amount, r.body.currency, r.body.reason], ['done', 1000, 'USD', why]);
  const item = await until('the done credit in the panel', async () =>
    (await actionItems(lee)).find((a) => a.id === r.body.id && a.state === 'done'));
  assert.ok(item.text.includes('Credit 10.00 USD'), item.text);
  assert.ok(item.text.includes(why), 'the reason shown as text: ' + item.text);
  await until('what is left, updated', async () =>
    (await lee.getByTestId('action-allowance').textContent()) === 'You can do up to 15.00 USD more on this case yourself.');
  const evs = await caseEvents(kase.id);
  const done = evs.filter((e) => e.type === 'action_done');
  assert.deepEqual(done.map((e) => [e.visibility, e.body]), [['public', 'We credited 10.00 USD to your account.']]);
  const taken = evs.find((e) => e.type === 'action_taken');
  assert.deepEqual([taken.visibility, taken.author.id], ['internal', AGENT[EMAIL.lee].id]);
  /* the customer's status page shows the line */
  const { token } = await statusLink(kase.id);
  const view = await statusView(token);
  assert.ok(JSON.stringify(view).includes('We credited 10.00 USD to your account.'), 'on the status page');
  await noErrorNotices(lee);
});

test('actions: above the limit a supervisor approves in another browser; the agent sees it done', async (w) => {
  const { kase } = await newCase({ name: 'Omar Outage', subject: 'Three days without service', owner: 'lee' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await until('the allowance', async () => (await lee.getByTestId('action-allowance').textContent()).startsWith('You can do up to 25.00 USD'));
  await lee.getByTestId('action-amount').fill('40.00');
  await until('"needs approval" said before asking', async () =>
    (await lee.getByTestId('action-allowance').textContent()) ===
      'Needs a supervisor\'s approval: above your limit (25.00 USD left on this case).');
  assert.equal(await lee.getByTestId('action-submit').textContent(), 'Ask for approval');
  const r = await takeAction(lee, kase.id, { reason: 'Outage credit, three days' });
  assert.equal(r.status, 202, show(r.body));
  assert.deepEqual([r.body.state, r.body.over], ['pending_approval', 'per_case']);
  await until('waiting in the panel', async () =>
    (await actionItems(lee)).find((a) => a.id === r.body.id && a.state === 'pending_approval' && a.text.includes('Waiting for a supervisor')));

  /* Sam, in a browser of his own, sees the request and approves it */
  const sam = await w.agent('sam');
  const row = sam.locator(`[data-testid="approval"][data-action-id="${r.body.id}"]`);
  await row.waitFor({ timeout: 15000 });
  assert.ok((await row.textContent()).includes('Credit 40.00 USD'));
  assert.ok((await row.textContent()).includes('Lee'), 'who asked');
  await row.getByTestId('approve').click();
  await until('gone from the approvals', async () => (await row.count()) === 0, 15000);

  /* Lee sees it done without reloading; the customer is told */
  await until('done in Lee\'s panel', async () =>
    (await actionItems(lee)).find((a) => a.id === r.body.id && a.state === 'done'), 15000);
  const acts = await caseActions(kase.id);
  assert.deepEqual([acts[0].state, acts[0].decided_by], ['done', AGENT[EMAIL.sam].id]);
  const evs = await caseEvents(kase.id);
  assert.ok(evs.find((e) => e.type === 'action_approved' && e.author.id === AGENT[EMAIL.sam].id));
  assert.deepEqual(evs.filter((e) => e.type === 'action_done').map((e) => e.body), ['We credited 40.00 USD to your account.']);

  /* a second request is declined: the note is required, and Lee reads it */
  await lee.getByTestId('action-kind').selectOption('replacement');
  await lee.getByTestId('action-item').fill('Fiber router FR-200');
  await until('replacement needs approval', async () =>
    (await lee.getByTestId('action-allowance').textContent()).startsWith('Needs a supervisor\'s approval'));
  const r2 = await takeAction(lee, kase.id, { kind: 'replacement', reason: 'Router dead after the outage' });
  assert.equal(r2.status, 202, show(r2.body));
  const row2 = sam.locator(`[data-testid="approval"][data-action-id="${r2.body.id}"]`);
  await row2.waitFor({ timeout: 15000 });
  await row2.getByTestId('decline').click();
  await row2.getByTestId('decline-confirm').click();
  await until('a note is asked for', async () => (await sam.locator('#notices .notice.error').allTextContents()).some((t) => t.includes('Say why')));
  assert.equal((await caseActions(kase.id)).find((a) => a.id === r2.body.id).state, 'pending_approval');
  await row2.getByTestId('decline-note').fill('Line test first, please');
  await row2.getByTestId('decline-confirm').click();
  await until('declined in Lee\'s panel with the note', async () => {
    const it = (await actionItems(lee)).find((a) => a.id === r2.body.id);
    return it && it.state === 'declined' && it.text.includes('Line test first, please');
  }, 15000);
  await noErrorNotices(lee);
});

test('console: alerts list shows an alert and Done acknowledges it', async (w) => {
  /* case A: Sam's, a 5-minute callback - Sam is warned at 75% (3.75 min);
   * case B: Lee's, a 1-minute first-response target - supervisors are told */
  const a = (await newCase({ name: 'Mary Alert', subject: 'Call me before noon', owner: 'sam' })).kase;
  await apiOk('POST', '/api/v1/sla-policies', { queue: 'web-sla-fast', priority: 'any',
    first_response_minutes: 1, next_response_minutes: 60, resolution_minutes: 600 });
  const bk = (await newCase({ name: 'Fay Fast', subject: 'Quick question about my bill', owner: 'lee', queue: 'web-sla-fast' })).kase;
  const sam = await w.agent('sam');
  const login = await api('POST', '/api/v1/sessions', { email: EMAIL.sam, password: PASS }, '');
  assert.equal(login.status, 201, show(login.body));
  const samToken = login.body.token;
  const openAlerts = async () => {
    const r = await api('GET', '/api/v1/alerts?open=true', undefined, samToken);
    assert.equal(r.status, 200, show(r.body));
    return r.body.items.filter((x) => x.case_id === a.id || x.case_id === bk.id);
  };
  assert.deepEqual(await openAlerts(), []);
  const p = await apiOk('POST', `/api/v1/cases/${a.id}/promises`, { kind: 'callback', in_minutes: 5, confirm_short: true });
  assert.equal(p.owner_id, AGENT[EMAIL.sam].id);
  const offset = Number(fs.readFileSync(CLOCK, 'utf8')) || 0;
  fs.writeFileSync(CLOCK, String(offset + 240 * 1000));   /* 4 of 5 min: warned, not yet at 90% */
  const got = await until('the promise warning and the SLA breach', async () => {
    const l = await openAlerts();
    const warn = l.find((x) => x.case_id === a.id && x.kind === 'promise_warning');
    const sla = l.find((x) => x.case_id === bk.id && x.kind === 'sla_breached');
    return warn && sla && { warn, sla };
  });
  assert.equal(got.warn.to, AGENT[EMAIL.sam].id, 'the warning goes to the owner');
  assert.equal(got.sla.to, 'supervisors');

  /* the console lists them (it polls; opening the list reads it at once) */
  await sam.getByTestId('alerts-toggle').click();
  const row = (x) => sam.locator(`[data-testid="alert"][data-alert-id="${x.id}"]`);
  await row(got.warn).waitFor();
  await row(got.sla).waitFor();
  assert.ok((await row(got.warn).textContent()).includes(got.warn.body), 'the alert text');
  assert.ok(Number(await sam.getByTestId('alerts-count').textContent()) >= 2);

  /* clicking one opens its case: the breached clock is red */
  await row(got.sla).getByTestId('alert-open').click();
  await until(`case #${bk.id} open`, async () => (await sam.locator('#conv-meta').textContent()).includes(`case #${bk.id}`));
  assert.ok(!(await sam.getByTestId('alerts').isVisible()), 'the list closes');
  const b = await until('the breached badge', async () => { const x = await slaBadges(sam); return x.first_response && x; });
  assert.equal(b.first_response.state, 'breached');
  assert.match(b.first_response.text, /^First response: breached \d\d:\d\d$/);
  assert.match(b.first_response.cls, /sla-breached/);
  assert.equal(await sam.locator('[data-testid="sla-badge"][data-metric="first_response"]').evaluate((el) => getComputedStyle(el).color),
    'rgb(180, 35, 24)', 'red');

  /* the other one: its case with the promise; Done acknowledges it */
  await sam.getByTestId('alerts-toggle').click();
  await row(got.warn).getByTestId('alert-open').click();
  await until('its promise in the panel', async () => (await promiseItems(sam)).find((x) => x.id === p.id && x.state === 'pending'));
  const before = Number(await sam.getByTestId('alerts-count').textContent());
  await sam.getByTestId('alerts-toggle').click();
  const [ack] = await Promise.all([
    sam.waitForResponse((r) => r.url() === `${HEED}/api/v1/alerts/${got.warn.id}/ack` && r.request().method() === 'POST'),
    row(got.warn).getByTestId('alert-ack').click(),
  ]);
  assert.ok(ack.status() >= 200 && ack.status() < 300, await ack.text());
  await row(got.warn).waitFor({ state: 'detached' });
  assert.ok(await row(got.sla).isVisible(), 'only that one');
  const left = await openAlerts();
  assert.ok(!left.some((x) => x.id === got.warn.id), 'acknowledged: ' + show(left));
  assert.ok(left.some((x) => x.id === got.sla.id));
  assert.equal(Number(await sam.getByTestId('alerts-count').textContent()), before - 1);
  await noErrorNotices(sam);
});

/* After the alerts test, it moves the clock forward again. */
test('status page: a promise at risk shows the honest new time', async (w) => {
  const { kase } = await newCase({ name: 'Rita Risk', subject: 'Phone line dead since Sunday', owner: 'sam' });
  const p = await apiOk('POST', `/api/v1/cases/${kase.id}/promises`, { kind: 'callback', in_minutes: 10, confirm_short: true });
  const link = await statusLink(kase.id);
  const page = await openStatus(w, link.token);
  await until('the promised time', async () =>
    (await page.getByTestId('status-next').locator('time').getAttribute('datetime').catch(() => null)) === p.due_at);
  /* 90% of the time gone (9 of 10 min), not yet due: the customer is told */
  const offset = Number(fs.readFileSync(CLOCK, 'utf8')) || 0;
  fs.writeFileSync(CLOCK, String(offset + 560 * 1000));
  const v = await until('the promise at risk', async () => {
    const x = await statusView(link.token);
    return x.promises.length && x.promises[0].revised_due_at && x;
  });
  assert.equal(v.promises[0].id, p.id);
  await page.reload();
  const next = page.getByTestId('status-next');
  await until('the new time', async () => (await next.textContent()).includes('New time: '));
  assert.equal(await next.locator('time').getAttribute('datetime'), v.promises[0].revised_due_at);
  const item = page.getByTestId('status-promise');
  assert.equal(await item.locator('time').first().getAttribute('datetime'), v.promises[0].revised_due_at);
  assert.ok((await item.textContent()).includes('We first said'), 'the first time is not hidden');
  const risk = v.timeline.find((e) => e.type === 'promise_at_risk');
  assert.ok(risk && risk.body, show(v.timeline.map((e) => e.type)));
  await until('the warning on the timeline', async () => (await statusTimeline(page)).find((e) => e.type === 'promise_at_risk' && e.text.includes(risk.body)));
});

/* ---------- customer records (issue 5): find and fix the customer ---------- */

/* custSearch - type into the top bar's box; resolves with the results shown
 * once `pred` holds for them. */
async function custSearch(page, text, what, pred) {
  await page.getByTestId('customer-search').fill(text);
  return until(what, async () => {
    if (await page.getByTestId('customer-results').getAttribute('data-q') !== text) return false;
    const items = await page.getByTestId('customer-result').evaluateAll((els) => els.map((e) => ({
      id: Number(e.dataset.customerId), text: e.textContent,
      match: e.querySelector('[data-testid="customer-match"]').textContent })));
    return pred(items) && items;
  });
}

function historyItems(page) {
  return page.getByTestId('history-item').evaluateAll((els) => els.map((e) => ({ field: e.dataset.field, text: e.textContent })));
}

test('customers: one box finds a phone typed another way and a misspelt name', async (w) => {
  const n = String(Date.now() % 10000).padStart(4, '0');
  const cust = await apiOk('POST', '/api/v1/customers', { name: 'Marguerite Fontaine', identifiers: [
    { kind: 'phone', value: `(555) 014-${n}` }, { kind: 'email', value: `mf.${process.pid}.${n}@example.com` }] });
  const lee = await w.agent('lee');
  let items = await custSearch(lee, `+1 555.014.${n}`, 'the phone typed another way',
    (l) => l.length && l[0].id === cust.id);
  assert.match(items[0].match, /matched by phone \(exact/);
  assert.ok(items[0].text.includes('Marguerite Fontaine'), items[0].text);
  assert.ok(items[0].text.includes(`(555) 014-${n}`), 'identifiers shown: ' + items[0].text);
  items = await custSearch(lee, 'Margerite Fontane', 'the misspelt name', (l) => l.some((c) => c.id === cust.id));
  assert.match(items.find((c) => c.id === cust.id).match, /matched by name \(similar/);
  /* markup in a name is text */
  await apiOk('POST', '/api/v1/customers', { name: '<img src=x onerror=alert(1)> Fontaine', identifiers: [
    { kind: 'email', value: `x.${process.pid}.${n}@example.com` }] });
  items = await custSearch(lee, 'fontaine', 'both Fontaines', (l) => l.length >= 2);
  assert.ok(items.some((c) => c.text.includes('<img src=x onerror=alert(1)>')));
  await lee.getByTestId('customer-result').filter({ hasText: 'Marguerite' }).locator('button').click();
  await lee.getByTestId('customer-panel').waitFor();
  assert.equal(await lee.getByTestId('customer-title').textContent(), `Marguerite Fontaine · customer #${cust.id}`);
  await noErrorNotices(lee);
});

test('customers: correct a record with a reason, merge a duplicate, its cases move', async (w) => {
  const tag = `${process.pid}.${Date.now()}`;
  const a = await apiOk('POST', '/api/v1/customers', { name: 'Rosalind Okafor', identifiers: [{ kind: 'email', value: `ro.${tag}@example.com` }] });
  const b = await apiOk('POST', '/api/v1/customers', { name: 'Rosalin Okafor', identifiers: [{ kind: 'account', value: `RO-${tag.replace('.', '')}` }] });
  const caseA = await apiOk('POST', '/api/v1/cases', { customer_id: a.id, subject: 'Wrong package on my bill', queue: 'support' });
  const casesB = [await apiOk('POST', '/api/v1/cases', { customer_id: b.id, subject: 'Cannot find my account', queue: 'support' }),
    await apiOk('POST', '/api/v1/cases', { customer_id: b.id, subject: 'Name is wrong', queue: 'support', confirm_new: true })];
  const lee = await w.agent('lee');
  await custSearch(lee, `ro.${tag}@example.com`, 'the record by email', (l) => l.length && l[0].id === a.id);
  await lee.getByTestId('customer-result').first().locator('button').click();
  await lee.getByTestId('customer-panel').waitFor();

  /* correct it: new name, one more identifier, a reason */
  await lee.getByTestId('customer-name').fill('Rosalind Okafor-Reyes');
  await lee.getByTestId('ident-add').click();
  await lee.getByTestId('ident-row').last().getByTestId('ident-kind').selectOption('phone');
  await lee.getByTestId('ident-row').last().getByTestId('ident-value').fill('555 013 7788');
  await lee.getByTestId('customer-reason').fill('married name, new phone');
  await lee.getByTestId('customer-save').click();
  await until('the name change in the history', async () => (await historyItems(lee)).some((e) =>
    e.field === 'name' && e.text.includes('"Rosalind Okafor" → "Rosalind Okafor-Reyes"') && e.text.includes('married name, new phone') && e.text.includes('by you')));
  assert.ok((await historyItems(lee)).some((e) => e.field === 'phone' && e.text.includes('+15550137788')));
  let got = await apiOk('GET', `/api/v1/customers/${a.id}`);
  assert.equal(got.name, 'Rosalind Okafor-Reyes');
  assert.deepEqual(got.identifiers.map((i) => i.kind).sort(), ['email', 'phone']);

  /* a bad value is refused with the field named, nothing changes */
  await lee.getByTestId('ident-row').last().getByTestId('ident-value').fill('not a phone');
  await lee.getByTestId('customer-save').click();
  await until('the refusal', async () => /identifiers\[1\]\.value/.test(await lee.getByTestId('customer-error').textContent()));
  assert.deepEqual(await apiOk('GET', `/api/v1/customers/${a.id}`), got);
  await lee.getByTestId('ident-row').last().getByTestId('ident-value').fill('555 013 7788');

  /* merge the duplicate: search, pick, see what moves, confirm */
  await lee.getByTestId('merge-open').click();
  await lee.getByTestId('merge-search').fill('Rosalin Okafor');
  await lee.locator(`[data-testid="merge-result"][data-customer-id="${b.id}"] button`).click();
  const summary = await until('what moves', async () => {
    const t = await lee.getByTestId('merge-summary').textContent();
    return t.includes('2 cases') && t;
  });
  for (const k of casesB) assert.ok(summary.includes(`#${k.id}`), summary);
  assert.ok(summary.includes('"Rosalin Okafor" is kept in the history'), summary);
  await lee.getByTestId('merge-reason').fill('same person, typo at sign-up');
  await lee.getByTestId('merge-submit').click();
  await until('the merge in the history', async () => (await historyItems(lee)).some((e) =>
    e.field === 'merged_from' && e.text.includes(`#${b.id}`) && e.text.includes('same person, typo at sign-up')));
  await until('three cases listed', async () => (await lee.getByTestId('customer-case').count()) === 3);
  const gone = await apiOk('GET', `/api/v1/customers/${b.id}`);
  assert.equal(gone.merged_into, a.id);
  const cases = (await apiOk('GET', `/api/v1/cases?customer_id=${a.id}`)).items.map((k) => k.id).sort();
  assert.deepEqual(cases, [caseA.id, ...casesB.map((k) => k.id)].sort());
  const ev = (await caseEvents(casesB[0].id)).find((e) => e.type === 'customer_merged');
  assert.ok(ev && ev.visibility === 'internal' && ev.author.id === AGENT[EMAIL.lee].id, JSON.stringify(ev));

  /* open one of the moved cases in the console */
  await lee.locator(`[data-testid="customer-case"][data-case-id="${casesB[1].id}"] button`).click();
  await until(`case #${casesB[1].id} to be the open conversation`, async () =>
    (await lee.locator('#conv-meta').textContent()).includes(`case #${casesB[1].id}`));
  await noErrorNotices(lee);
});

/* ---------- main ---------- */

/* ---------- never ask twice: verification, handover, guided flows ---------- */

/* caseWithFacts - a case owned by `owner` whose customer already told us facts. */
async function caseWithFacts(subject, facts, owner = 'lee') {
  const email = `nat.${process.pid}.${Date.now()}.${++uniq}@example.com`;
  const cust = await apiOk('POST', '/api/v1/customers', { name: 'Dana Router', identifiers: [{ kind: 'email', value: email }] });
  return apiOk('POST', '/api/v1/cases', { customer_id: cust.id, subject, queue: 'support', confirm_new: true,
    owner_id: AGENT[EMAIL[owner]].id, facts, fact_source: 'customer', message: subject });
}

function flowKnown(page) {
  return page.getByTestId('flow-known').evaluateAll((els) => els.map((e) => e.dataset.step));
}

async function flowCurrent(page) {
  const el = page.getByTestId('flow-current');
  return (await el.count()) ? el.getAttribute('data-step') : null;
}

async function factKeys(caseId) {
  return (await apiOk('GET', `/api/v1/cases/${caseId}/facts`)).history.map((f) => f.key);
}

test('console: a guided flow shows what the case knows, asks the rest, and a switch asks nothing again', async (w) => {
  const kase = await caseWithFacts('No internet since this morning', { 'device.model': 'HX-300', 'tried.power_cycle': true });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await lee.getByTestId('guided').waitFor();
  await until('the sample flows listed', async () => (await lee.getByTestId('flow-pick').locator('option').count()) >= 3);
  await lee.getByTestId('flow-pick').selectOption('router-no-internet');
  await lee.getByTestId('flow-start').click();
  await until('the known steps', async () => (await flowKnown(lee)).join() === 'model,power');
  const known = await lee.getByTestId('flow-known').allTextContents();
  assert.match(known[1], /Already known.*Power cycled: yes - said by the customer at \d\d:\d\d/);
  assert.equal(await flowCurrent(lee), 'lights', 'the first unknown step is asked');
  await lee.locator('[data-testid="flow-option"][data-value="internet"]').click();
  await until('the agent\'s line test', async () => (await flowCurrent(lee)) === 'line');

  /* part way, it is really slow Wi-Fi: switch, and nothing known is asked */
  await lee.getByTestId('flow-pick').selectOption('router-slow-wifi');
  assert.equal(await lee.getByTestId('flow-start').textContent(), 'Switch');
  await lee.getByTestId('flow-start').click();
  await until('the second flow', async () => (await lee.getByTestId('flow-title').textContent()) === 'Router: slow Wi-Fi');
  assert.deepEqual(await flowKnown(lee), ['model', 'power']);
  assert.equal(await flowCurrent(lee), 'channel');
  await lee.getByTestId('flow-answer-yes').click();
  await until('the outcome', async () => /Outcome: Resolved/.test(await lee.getByTestId('flow-run').textContent()));
  const keys = await factKeys(kase.id);
  assert.deepEqual([...keys].sort(), [...new Set(keys)].sort(), 'no fact recorded twice: ' + keys);
  assert.equal((await apiOk('GET', `/api/v1/cases/${kase.id}/effort`)).repeat_questions, 0);
  assert.equal(await lee.getByTestId('effort').count(), 0);
  await noErrorNotices(lee);
});

test('console: asking for a known answer again needs a confirmation and counts as effort', async (w) => {
  const kase = await caseWithFacts('Router lights all red', { 'device.model': 'HX-200' });
  await apiOk('POST', `/api/v1/cases/${kase.id}/flow-runs`, { flow: 'router-no-internet' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await until('the known model', async () => (await flowKnown(lee)).join() === 'model');
  await lee.getByTestId('flow-ask-again').first().click();
  const d = lee.getByTestId('ask-again-dialog');
  await d.waitFor();
  assert.match(await d.textContent(), /already told us "Router model: HX-200".*counts as customer effort/s);
  await lee.getByTestId('ask-again-answer').fill('HX-300');
  await lee.getByTestId('ask-again-submit').click();
  await until('the effort shown', async () => (await lee.getByTestId('effort').count()) &&
    /asked again for something we knew 1×/.test(await lee.getByTestId('effort').textContent()));
  const e = await apiOk('GET', `/api/v1/cases/${kase.id}/effort`);
  assert.deepEqual([e.repeat_questions, e.items[0].detail], [1, 'device.model']);
});

test('console: the verification badge, and verifying again needs a reason', async (w) => {
  const kase = await caseWithFacts('Change my bank details', {});
  await apiOk('POST', `/api/v1/cases/${kase.id}/verifications`, { method: 'phone_pin', detail: 'account number and PIN', via: 'phone menu' });
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  const badge = lee.getByTestId('verification-badge');
  await until('the badge', async () => /^Verified by account number and PIN at \d\d:\d\d, phone menu$/.test(await badge.textContent()));
  await lee.getByTestId('verify-open').click();
  await lee.getByTestId('verify-dialog').waitFor();
  assert.match(await lee.getByTestId('verify-held').textContent(), /pick why/);
  await lee.getByTestId('verify-method').selectOption('agent_questions');
  await lee.getByTestId('verify-submit').click();
  await until('the reason asked for', async () => /Pick why/.test(await lee.getByTestId('verify-error').textContent()));
  assert.equal((await apiOk('GET', `/api/v1/cases/${kase.id}/verifications`)).items.length, 1, 'nothing recorded');
  await lee.getByTestId('verify-reason').selectOption('high_risk_change');
  await lee.getByTestId('verify-submit').click();
  await until('counted as effort', async () => (await lee.getByTestId('effort').count()) &&
    /verified again 1×/.test(await lee.getByTestId('effort').textContent()));
  const v = await apiOk('GET', `/api/v1/cases/${kase.id}/verifications`);
  assert.deepEqual([v.reverifications, v.current.method, v.current.reason], [1, 'agent_questions', 'high_risk_change']);
  await noErrorNotices(lee);
});

test('console: hand over with the drafted summary; the next agent reads it first', async (w) => {
  const kase = await caseWithFacts('Modem replacement question', { 'device.model': 'HX-300' });
  await apiOk('POST', `/api/v1/cases/${kase.id}/verifications`, { method: 'phone_pin', via: 'phone menu' });
  /* an agent hands over to the colleagues the live console knows (signed in) */
  const sam = await w.agent('sam');
  const lee = await w.agent('lee');
  await openCaseInConsole(lee, kase.id);
  await lee.getByTestId('handover').click();
  const text = lee.getByTestId('handover-summary');
  await until('the draft', async () => /Already known \(do not ask again\):\n- device\.model: "HX-300"/.test(await text.inputValue()));
  assert.match(await text.inputValue(), /Identity: verified by account number and PIN, phone menu/);
  const mine = 'Customer prefers a call after 5pm. <b>not markup</b>';
  await text.fill((await text.inputValue()) + '\n' + mine);
  await lee.getByTestId('handover-agent').selectOption(String(AGENT[EMAIL.sam].id));
  await lee.getByTestId('handover-submit').click();
  await until('the new owner', async () => (await apiOk('GET', `/api/v1/cases/${kase.id}`)).owner_id === AGENT[EMAIL.sam].id);
  await openCaseInConsole(sam, kase.id);
  const box = sam.getByTestId('handoff-summary');
  await until('the summary first', async () => (await box.count()) && (await box.textContent()).includes(mine));
  assert.equal(await sam.locator('[data-testid="handoff-summary"] b').count(), 0, 'shown as text');
  await noErrorNotices(sam);
});

test('status page: the customer answers their own guided steps; the agent never asks them', async (w) => {
  const kase = await caseWithFacts('Internet down again', {});
  const run = await apiOk('POST', `/api/v1/cases/${kase.id}/flow-runs`, { flow: 'router-no-internet' });
  const { token } = await statusLink(kase.id);
  const page = await openStatus(w, token);
  const q = page.getByTestId('status-question');
  await until('the first question', async () => (await q.isVisible()) && /Which router do you have\?/.test(await q.textContent()));
  await page.locator('[data-testid="status-q-option"][data-value="HX-200"]').click();
  await until('the power cycle', async () => /Unplug the router/.test(await q.textContent()));
  await page.getByTestId('status-q-yes').click();
  await until('the lights', async () => /Which light/.test(await q.textContent()));
  await page.locator('[data-testid="status-q-option"][data-value="internet"]').click();
  await until('no more questions for the customer', async () => !(await page.getByTestId('status-guided').isVisible()));
  const v = await apiOk('GET', `/api/v1/flow-runs/${run.id}`);
  assert.deepEqual(v.known.map((k) => [k.step, k.source]), [['model', 'customer'], ['power', 'customer'], ['lights', 'customer']]);
  assert.equal(v.current.id, 'line');
});

test('widget: while waiting, the customer answers the guided steps the agent would ask', async (w) => {
  await w.agent('lee', 'away');
  const cust = await w.customer('guided');
  const chat = await startChat(cust, { name: 'Wanda Wait', subject: 'No internet at all' });
  const q = cust.getByTestId('heed-question');
  await until('the first question', async () => (await q.count()) && /Which router/.test(await q.textContent()));
  await cust.locator('[data-testid="heed-q-option"][data-value="HX-300"]').click();
  await until('the next question', async () => /Unplug the router/.test(await q.textContent()));
  await cust.getByTestId('heed-q-yes').click();
  await until('the lights', async () => /Which light/.test(await q.textContent()));
  await cust.locator('[data-testid="heed-q-option"][data-value="power"]').click();
  await until('done with questions', async () => !(await cust.getByTestId('heed-questions').isVisible()));
  const runs = await apiOk('GET', `/api/v1/cases/${chat.caseId}/flow-runs`);
  assert.equal(runs.active, null);
  assert.deepEqual([runs.items[0].state, runs.items[0].outcome], ['finished', 'replace_unit']);
  assert.deepEqual((await factKeys(chat.caseId)).sort(), ['device.model', 'device.red_light', 'tried.power_cycle']);
});

async function main() {
  const t0 = Date.now();
  let passed = 0, failed = 0;
  const heed = startHeed();
  let shop = null;
  try {
    HEED = await heed.listening;
    shop = await startShop();
    SHOP = `http://127.0.0.1:${shop.address().port}`;
    assert.notEqual(new URL(SHOP).origin, new URL(HEED).origin);

    const login = await api('POST', '/api/v1/sessions', { email: EMAIL.admin, password: PASS }, '');
    assert.equal(login.status, 201, `admin login: ${show(login.body)}`);
    ADMIN = login.body.token;
    for (const a of (await apiOk('GET', '/api/v1/agents')).items) AGENT[a.email] = { id: a.id, name: a.name };
    /* the demo site does not list the shop's origin, and sites cannot be
     * edited: register the shop as a site of its own */
    const site = await apiOk('POST', '/api/v1/sites', { key: 'shop', name: 'Acme Outdoor', queue: 'support', origins: SHOP });
    assert.equal(site.origins, SHOP);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
    for (const t of tests) {
      if (!FILTER.test(t.name)) continue;
      const w = new World(t.name);
      const s = Date.now();
      let err = null;
      try {
        await t.fn(w);
        w.checkPages();
      } catch (e) {
        err = e;
      }
      if (err) {
        /* what the pages saw may explain it */
        for (const r of w.pages) {
          for (const d of r.dialogs) err.message += `\n${r.label}: dialog ${d}`;
          for (const e of r.errors) err.message += `\n${r.label}: page error ${e}`;
        }
      }
      await w.cleanup(!!err);
      const secs = ((Date.now() - s) / 1000).toFixed(1);
      if (err) {
        failed++;
        const where = String(err.stack || '').split('\n').find((l) => l.includes(__filename)) || '';
        const msg = String(err.message || err).split('\n').filter((l) => l.trim()).slice(0, 12);
        console.log(`FAIL ${t.name} (${secs} s)\n     ${[...msg, where.trim()].join('\n     ')}`);
      } else {
        passed++;
        console.log(`ok   ${t.name} (${secs} s)`);
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL setup: ${e.stack || e}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (shop) shop.close();
  }

  /* the server stops cleanly on SIGTERM */
  heed.proc.kill('SIGTERM');
  const timer = setTimeout(() => heed.proc.kill('SIGKILL'), 15000);
  const { code, signal } = await heed.exited;
  clearTimeout(timer);
  if (code === 0) {
    passed++;
    console.log('ok   server exits 0 on SIGTERM');
  } else {
    failed++;
    console.log(`FAIL server exits 0 on SIGTERM: exit ${code ?? 'signal ' + signal} (log: ${path.join(tmp, 'server.log')})`);
  }
  if (failed || process.env.HEED_WEB_KEEP) console.log(`kept ${tmp} (server.log; screenshots and WebSocket frames of failed tests)`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`web: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
