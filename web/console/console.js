/*
 * console.js - the agent console: sign-in, the live-chat socket
 * (docs/chat.md, subprotocol heed-chat.v1) and everything drawn from it:
 * the waiting queue, "my chats", the agents list, one conversation with
 * what we already know at the top (facts, "already tried", verification,
 * handoff note), the composer with saved replies, hold with consent,
 * transfer with a handoff note and ending a chat.
 *
 * One state object `S` holds everything; frames from the server change it
 * and then call the render function of the part they touched.  Data is
 * always put into the page as text (textContent), never as HTML.
 * Timeline entries are keyed by event id, so a replay after a reconnect
 * never shows an event twice.
 *
 * commitments.js (promises, SLA, plan, status link, alerts), identity.js
 * (verification, effort, handover) and flows.js (guided flows) plug in
 * through window.heedConsole: a few helpers from here, and hooks called
 * when the app starts or stops, when the shown case changes and for each
 * live event.
 */
'use strict';
(function () {

const API = '/api/v1';
const PROTO = 'heed-chat.v1';
const TYPING_EVERY_MS = 2000, TYPING_IDLE_MS = 3000, CUSTOMER_TYPING_MS = 8000;

const S = {
  me: null,                 // agent from /me or the login reply
  token: sessionStorage.getItem('heed.token') || '',
  ws: null, wsOpen: false, retry: 0, retryTimer: 0, pingTimer: 0, stopped: true,
  presence: 'away', chosenPresence: '', capacity: 0,
  waiting: [], agents: [],  // from `queue` frames
  queueSeenAt: 0,           // Date.now() of the last queue frame (wait ticks from it)
  mine: new Map(),          // contact id -> CONTACT assigned to me (ended ones stay until closed)
  cases: new Map(),         // case id -> case view (see caseView)
  openWaits: [],            // case ids whose `replayed` has not come yet, in order
  selected: 0,              // selected case id
  fresh: new Set(),         // contact ids newly assigned, highlighted until opened
  reminders: new Map(),     // contact id -> over_s from hold_reminder
  accepting: new Set(),     // contact ids with an accept in flight
  focusOnAssign: 0,         // contact id just accepted: select it when it arrives
  replies: [], queues: [],
  typingOnAt: 0, typingIdle: 0, typingCase: 0,
  seq: 0,
};

/* ---------- hooks for commitments.js ---------- */

const HOOKS = { start: [], stop: [], show: [], event: [] };
let shownCase = -1;

function runHooks(name, ...args) {
  for (const fn of HOOKS[name]) {
    try { fn(...args); } catch (e) { console.error('heed console hook ' + name, e); }
  }
}

/* ---------- small helpers ---------- */

const $ = (id) => document.getElementById(id);

/* h - an element with attributes and children; strings become text nodes. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'testid') el.dataset.testid = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

const clockFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dayFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

/* clock - "10:02" (with the day when not today) for an RFC 3339 time. */
function clock(t) {
  if (!t) return '';
  const d = new Date(t);
  if (isNaN(d)) return '';
  const today = new Date().toDateString() === d.toDateString();
  return (today ? '' : dayFmt.format(d) + ' ') + clockFmt.format(d);
}

/* mmss - seconds as "02:05" (or "1:02:05"). */
function mmss(s) {
  s = Math.max(0, Math.floor(s));
  const p = (n) => String(n).padStart(2, '0');
  const hrs = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  return (hrs ? hrs + ':' + p(m) : p(m)) + ':' + p(s % 60);
}

function capital(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : s; }
function since(t) { return t ? (Date.now() - Date.parse(t)) / 1000 : 0; }

function factLabel(key) {
  if (key === 'already_tried') return 'Already tried';
  const s = key.replace(/\./g, ' › ').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function factValue(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return JSON.stringify(v);
}

const METHODS = {
  signed_widget_identity: 'signed in on the website',
  email_link: 'confirmed by email link',
  account_pin: 'account number and PIN',
};
function verifiedText(v) {
  const how = METHODS[v.method] || String(v.method || 'verified').replace(/_/g, ' ');
  return 'Verified: ' + how + (v.at ? ' at ' + clock(v.at) : '');
}

const STATE_WORDS = { queued: 'Waiting', active: 'Active', on_hold: 'On hold', ended: 'Ended', abandoned: 'Left' };

function isMe(author) { return author && author.kind === 'agent' && S.me && author.id === S.me.id; }
function isLive(c) { return c && (c.state === 'active' || c.state === 'on_hold'); }
function cid() { return 'a' + Date.now().toString(36) + (++S.seq); }
function contactOfCase(caseId) {
  for (const c of S.mine.values()) if (c.case_id === caseId) return c;
  const v = S.cases.get(caseId);
  return v ? v.contact : null;
}

/* ---------- notices ---------- */

const ERROR_WORDS = {
  at_capacity: 'You are at capacity: end or transfer a chat before accepting another.',
  rate_limited: 'Too many actions at once - wait a second and try again.',
  forbidden: 'You may not do that.',
  not_found: 'That chat or case no longer exists.',
  conflict: 'That is no longer possible (the chat changed meanwhile).',
  unavailable: 'The server could not save that; nothing was changed. Try again.',
  too_large: 'That was too long to send.',
};

/* notice - show a short message; kind "error" stays longer. */
function notice(text, kind = 'info') {
  const box = $('notices');
  const item = h('div', { class: 'notice ' + kind },
    h('span', { text }),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  box.append(item);
  while (box.children.length > 4) box.firstChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 12000 : 7000);
}

/* ---------- REST ---------- */

async function api(method, path, body) {
  const opt = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const res = await fetch(API + path, opt);
  let data = null;
  if (res.status !== 204) { try { data = await res.json(); } catch (e) { data = null; } }
  if (!res.ok) {
    const err = new Error((data && data.error && data.error.message) || res.statusText || 'request failed');
    err.status = res.status;
    err.code = data && data.error && data.error.code;
    err.reason = data && data.error && data.error.reason;
    err.info = (data && data.error) || null;
    if (res.status === 401 && path !== '/sessions' && path !== '/me') signedOut('Your session has ended - please sign in again.');
    throw err;
  }
  return data;
}

/* ---------- sign in / out ---------- */

async function boot() {
  wireStatic();
  try {
    S.me = await api('GET', '/me');
    startApp();
  } catch (e) {
    showLogin();
  }
}

function showLogin(msg) {
  $('app').hidden = true;
  $('login-view').hidden = false;
  const err = $('login-error');
  err.hidden = !msg;
  err.textContent = msg || '';
  $('login-email').focus();
}

async function login(ev) {
  ev.preventDefault();
  const email = $('login-email').value.trim(), password = $('login-password').value;
  const err = $('login-error');
  if (!email || !password) { err.hidden = false; err.textContent = 'Enter your email and password.'; return; }
  $('login-submit').disabled = true;
  try {
    const r = await api('POST', '/sessions', { email, password });
    S.token = r.token || '';
    if (S.token) sessionStorage.setItem('heed.token', S.token);
    S.me = r.agent;
    $('login-password').value = '';
    startApp();
  } catch (e) {
    err.hidden = false;
    err.textContent = e.status === 401 ? 'Wrong email or password.' : 'Cannot sign in: ' + e.message;
  } finally {
    $('login-submit').disabled = false;
  }
}

async function signOut() {
  try { await api('DELETE', '/sessions'); } catch (e) { /* gone already */ }
  signedOut();
}

/* signedOut - forget everything of this session and show the login. */
function signedOut(msg) {
  S.stopped = true;
  clearTimeout(S.retryTimer);
  clearInterval(S.pingTimer);
  if (S.ws) { try { S.ws.close(1000); } catch (e) { /* ignore */ } }
  S.ws = null; S.wsOpen = false;
  S.token = ''; sessionStorage.removeItem('heed.token');
  S.me = null; S.chosenPresence = ''; S.mine.clear(); S.cases.clear(); S.waiting = []; S.agents = [];
  S.selected = 0; S.fresh.clear(); S.reminders.clear(); S.openWaits = [];
  $('timeline').replaceChildren();
  shownCase = -1;
  runHooks('stop');
  showLogin(msg);
}

function startApp() {
  $('login-view').hidden = true;
  $('app').hidden = false;
  $('agent-name').textContent = S.me ? S.me.name : '';
  S.stopped = false;
  connect();
  loadReplies();
  loadQueues();
  renderAll();
  runHooks('start');
}

/* ---------- the socket ---------- */

function connect() {
  if (S.stopped) return;
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/chat';
  setConn('Connecting…', 'pending');
  let ws;
  try { ws = new WebSocket(url, PROTO); } catch (e) { return scheduleReconnect(); }
  S.ws = ws;
  ws.onopen = () => {
    const hello = { type: 'hello', last_event_id: 0 };
    if (S.token) hello.token = S.token;
    ws.send(JSON.stringify(hello));
  };
  ws.onmessage = (m) => {
    let f;
    try { f = JSON.parse(m.data); } catch (e) { return; }
    if (f && typeof f.type === 'string') onFrame(f);
  };
  ws.onclose = (e) => {
    if (S.ws !== ws) return;
    S.ws = null; S.wsOpen = false;
    clearInterval(S.pingTimer);
    markPendingLost();
    if (S.stopped) return;
    if (e.code === 4401) return authLost();
    scheduleReconnect();
  };
}

/* authLost - the socket refused our credential: drop a stale token and
 * check the cookie session before asking to sign in again. */
async function authLost() {
  const hadToken = !!S.token;
  S.token = ''; sessionStorage.removeItem('heed.token');
  try {
    await api('GET', '/me');
    if (hadToken) connect(); else scheduleReconnect();
  } catch (e) {
    if (e.status === 401) signedOut('Your session has ended - please sign in again.');
    else scheduleReconnect();
  }
}

function scheduleReconnect() {
  clearTimeout(S.retryTimer);
  const delay = Math.min(15000, 500 * 2 ** S.retry) * (0.7 + Math.random() * 0.6);
  S.retry = Math.min(S.retry + 1, 6);
  setConn('Offline - reconnecting in ' + Math.ceil(delay / 1000) + ' s', 'down');
  S.retryTimer = setTimeout(connect, delay);
}

function setConn(text, cls) {
  const el = $('conn');
  el.textContent = text;
  el.className = 'conn ' + cls;
}

/* send - one frame; false when the socket is not ready. */
function send(frame) {
  if (!S.ws || !S.wsOpen) return false;
  S.ws.send(JSON.stringify(frame));
  return true;
}

function sendOrWarn(frame) {
  if (send(frame)) return true;
  notice('Not connected - try again in a moment.', 'error');
  return false;
}

function onFrame(f) {
  const fn = HANDLERS[f.type];
  if (fn) fn(f);
}

const HANDLERS = {
  welcome: onWelcome,
  queue: onQueue,
  contact: onContact,
  opened: onOpened,
  event: (f) => f.event && onEvent(f.event, f.case_id),
  replayed: onReplayed,
  ack: onAck,
  typing: onTyping,
  receipt: onReceipt,
  hold_reminder: onHoldReminder,
  error: onError,
  pong: () => {},
};

function onWelcome(f) {
  S.wsOpen = true;
  S.retry = 0;
  setConn('Connected', 'up');
  clearInterval(S.pingTimer);
  S.pingTimer = setInterval(() => send({ type: 'ping', ref: 'ping' }), 30000);
  if (f.agent) {
    S.me = Object.assign({}, S.me || {}, f.agent);
    S.presence = f.agent.presence || S.presence;
    S.capacity = f.agent.capacity || 0;
    // after a reconnect, keep the status the agent chose in this tab
    if (S.chosenPresence && S.chosenPresence !== S.presence &&
        send({ type: 'presence', status: S.chosenPresence, ref: 'presence' })) S.presence = S.chosenPresence;
  }
  const now = new Set();
  for (const c of f.contacts || []) { now.add(c.id); S.mine.set(c.id, c); }
  for (const [id, c] of S.mine) if (!now.has(id) && isLive(c)) S.mine.delete(id);
  // follow every chat of mine, and the selected case, from where we were
  S.openWaits = [];
  const follow = new Set([...S.mine.values()].map((c) => c.case_id));
  if (S.selected) follow.add(S.selected);
  for (const [id, v] of S.cases) if (!follow.has(id)) { S.cases.delete(id); }
  let i = 0;
  for (const caseId of follow) setTimeout(() => openCase(caseId), 150 * i++);
  $('agent-name').textContent = S.me.name || '';
  renderAll();
}

function onQueue(f) {
  S.waiting = f.waiting || [];
  S.agents = f.agents || [];
  S.queueSeenAt = Date.now();
  const mine = S.me && S.agents.find((a) => a.id === S.me.id);
  if (mine) {
    S.presence = mine.presence || S.presence;
    if (mine.capacity) S.capacity = mine.capacity;
  }
  for (const id of [...S.accepting]) if (!S.waiting.some((c) => c.id === id)) S.accepting.delete(id);
  renderQueue(); renderAgents(); renderHeader();
}

/* onContact - a chat of mine changed, was given to me, or left me. */
function onContact(f) {
  const c = f.contact;
  if (!c) return;
  const v = S.cases.get(c.case_id);
  if (v) v.contact = c;
  const mineNow = c.agent && S.me && c.agent.id === S.me.id;
  if (mineNow && !S.mine.has(c.id) && !isLive(c) && !f.assigned) {
    // an ended chat I already put away: nothing to show
  } else if (mineNow) {
    const isNew = !S.mine.has(c.id);
    S.mine.set(c.id, c);
    if (isNew || f.assigned) {
      S.accepting.delete(c.id);
      if (!S.cases.has(c.case_id)) openCase(c.case_id);
      const mySelected = contactOfCase(S.selected);
      if (S.focusOnAssign === c.id || !S.selected || !isLive(mySelected)) {
        S.focusOnAssign = 0;
        select(c.case_id);
      } else {
        S.fresh.add(c.id);
      }
      notice('New chat: ' + ((c.customer && c.customer.name) || 'a customer') + (c.subject ? ' - ' + c.subject : ''));
    }
  } else if (S.mine.has(c.id) && (c.state === 'ended' || c.state === 'abandoned') && !c.agent) {
    S.mine.set(c.id, c);
  } else if (S.mine.has(c.id)) {
    leaveChat(c, c.agent ? 'Transferred to ' + c.agent.name + '.' : 'Transferred to the ' + c.queue + ' queue.');
  }
  if (!c.hold) S.reminders.delete(c.id);
  renderMine(); renderHeader();
  if (c.case_id === S.selected) renderConversation();
}

/* leaveChat - the chat is no longer mine (transferred): drop it. */
function leaveChat(c, why) {
  S.mine.delete(c.id);
  S.fresh.delete(c.id);
  S.reminders.delete(c.id);
  if (S.cases.has(c.case_id)) { send({ type: 'close', case_id: c.case_id }); S.cases.delete(c.case_id); }
  if (S.selected === c.case_id) { S.selected = 0; $('timeline').replaceChildren(); }
  notice(why + ' It has left your chats.');
  renderMine(); renderConversation();
}

/* ---------- cases: open, replay, events ---------- */

/* caseView - what we keep per followed case. */
function caseView(caseId) {
  let v = S.cases.get(caseId);
  if (!v) {
    v = { id: caseId, kase: null, contact: null, facts: new Map(), events: new Map(),
      lastEventId: 0, replaying: true, pending: new Map(), acked: new Map(),
      deliveredSent: 0, readSent: 0, lastCustomerEventId: 0, customerReadUpto: 0,
      customerTyping: false, typingTimer: 0, unread: 0, draft: '', note: false };
    S.cases.set(caseId, v);
  }
  return v;
}

function openCase(caseId) {
  const v = caseView(caseId);
  v.replaying = true;
  S.openWaits.push(caseId);
  send({ type: 'open', case_id: caseId, last_event_id: v.lastEventId, ref: 'open:' + caseId });
}

function onOpened(f) {
  const k = f.case;
  if (!k) return;
  const v = caseView(k.id);
  v.kase = k;
  if (f.contact) v.contact = f.contact;
  if (f.contact && S.mine.has(f.contact.id)) S.mine.set(f.contact.id, f.contact);
  v.facts.clear();
  for (const fact of f.facts || []) v.facts.set(fact.key, fact);
  if (!f.contact && k.customer_id && !v.customerName) loadCustomerName(v, k.customer_id);
  if (k.id === S.selected) { renderConversation(); $('timeline').setAttribute('aria-busy', 'true'); }
}

/* loadCustomerName - for a case followed without a chat, the name to show. */
async function loadCustomerName(v, customerId) {
  try {
    const cu = await api('GET', '/customers/' + encodeURIComponent(customerId));
    v.customerName = (cu && cu.name) || '';
    if (v.id === S.selected) { renderConversation(); renderContext(); }
  } catch (e) { /* the header says "Customer" */ }
}

function onReplayed(f) {
  const caseId = f.case_id || S.openWaits.shift();
  if (f.case_id) S.openWaits = S.openWaits.filter((id) => id !== f.case_id);
  const v = S.cases.get(caseId);
  if (!v) return;
  v.replaying = false;
  if (f.last_event_id > v.lastEventId) v.lastEventId = f.last_event_id;
  dropDuplicatePending(v);
  if (caseId === S.selected) $('timeline').removeAttribute('aria-busy');
  sendReceipts(v);
}

/* onEvent - one timeline event, replayed or live; each id is kept once. */
function onEvent(ev, frameCaseId) {
  const caseId = ev.case_id || frameCaseId;
  const v = S.cases.get(caseId);
  if (!v || !ev.id || v.events.has(ev.id)) return;
  v.events.set(ev.id, ev);
  if (ev.id > v.lastEventId) v.lastEventId = ev.id;
  applyEventToState(v, ev);
  const fromCustomer = ev.author && ev.author.kind === 'customer';
  if (fromCustomer) {
    v.lastCustomerEventId = Math.max(v.lastCustomerEventId, ev.id);
    setCustomerTyping(v, false);
    if (!v.replaying && !(caseId === S.selected && pageSeen())) v.unread++;
  }
  if (caseId === S.selected) insertEvent(v, ev);
  if (!v.replaying) { sendReceipts(v); renderMine(); runHooks('event', ev, caseId); }
}

/* applyEventToState - what an event changes besides the timeline. */
function applyEventToState(v, ev) {
  const d = ev.data || {};
  if (ev.type === 'fact' && d.key) {
    v.facts.set(d.key, { key: d.key, value: d.value, source: d.source, recorded_by: ev.author, created_at: ev.created_at });
    if (v.id === S.selected) renderContext();
  }
  if (v.kase && ev.type === 'chat_ended' && d.status) v.kase.status = d.status;
  if (v.kase && ev.type === 'status_change' && d.to) v.kase.status = d.to;
  if (v.id === S.selected && (ev.type === 'chat_ended' || ev.type === 'status_change')) renderCaseDetails(v);
  if (ev.type === 'handoff' && !v.replaying && isMe(ev.author) && d.to_agent_id !== (S.me && S.me.id)) {
    const c = contactOfCase(v.id);
    if (c && S.mine.has(c.id)) {
      const to = d.to_queue ? 'the ' + d.to_queue + ' queue' : agentName(d.to_agent_id);
      setTimeout(() => { if (S.mine.has(c.id)) leaveChat(c, 'Transferred to ' + to + '.'); }, 400);
    }
  }
}

function agentName(id) {
  if (S.me && id === S.me.id) return 'you';
  const a = S.agents.find((x) => x.id === id);
  return a ? a.name : 'agent #' + id;
}

/* ---------- sending messages ---------- */

function sendMessage() {
  const v = S.cases.get(S.selected);
  const box = $('composer');
  const body = box.value.trim();
  if (!v || !body) return;
  if (body.length > 4000) { notice('A message can be at most 4000 characters.', 'error'); return; }
  const internal = $('note-toggle').checked;
  const id = cid();
  if (!sendOrWarn({ type: 'message', case_id: v.id, cid: id, body, internal })) return;
  stopTyping();
  const p = { cid: id, body, internal, status: 'sending', after: v.lastEventId, at: new Date().toISOString() };
  v.pending.set(id, p);
  box.value = '';
  v.draft = '';
  $('timeline').append(renderPending(p));
  scrollTimeline(true);
}

function onAck(f) {
  for (const v of S.cases.values()) {
    const p = v.pending.get(f.cid);
    if (!p) continue;
    v.pending.delete(f.cid);
    v.acked.set(f.event_id, true);
    const node = document.querySelector('[data-cid="' + CSS.escape(f.cid) + '"]');
    if (v.events.has(f.event_id)) { if (node) node.remove(); refreshStatuses(v); return; }
    if (node) { node.querySelector('.status').textContent = 'Sent'; node.dataset.ackedId = f.event_id; }
    return;
  }
}

/* markPendingLost - the socket closed before these were acknowledged. */
function markPendingLost() {
  for (const v of S.cases.values()) {
    for (const p of v.pending.values()) {
      p.status = 'unconfirmed';
      const node = document.querySelector('[data-cid="' + CSS.escape(p.cid) + '"] .status');
      if (node) node.textContent = 'Not confirmed - checking after reconnect';
    }
  }
}

/* dropDuplicatePending - after a replay, an unconfirmed message that the
 * server did store shows up as an event of mine with the same text. */
function dropDuplicatePending(v) {
  for (const p of [...v.pending.values()]) {
    if (p.status !== 'unconfirmed') continue;
    const stored = [...v.events.values()].some((e) => e.id > p.after && isMe(e.author) && e.body === p.body);
    const node = document.querySelector('[data-cid="' + CSS.escape(p.cid) + '"]');
    v.pending.delete(p.cid);
    if (stored) { if (node) node.remove(); continue; }
    markFailed(node, p, 'Not sent');
  }
}

/* markFailed - show that a message did not go out, with a way to retry. */
function markFailed(node, p, why) {
  if (!node) return;
  node.classList.add('failed');
  const st = node.querySelector('.status');
  st.textContent = why + ' ';
  st.append(h('button', { type: 'button', class: 'link small', onclick: () => {
    node.remove();
    $('composer').value = p.body;
    $('note-toggle').checked = p.internal;
    updateComposerMode();
    $('composer').focus();
  } }, 'Edit and resend'));
}

/* ---------- typing ---------- */

function onComposerInput() {
  const v = S.cases.get(S.selected);
  if (v) v.draft = $('composer').value;
  const c = contactOfCase(S.selected);
  if (!v || $('note-toggle').checked || !isLive(c)) return;
  if (!$('composer').value.trim()) { stopTyping(); return; }
  const now = Date.now();
  if (now - S.typingOnAt > TYPING_EVERY_MS || S.typingCase !== v.id) {
    if (S.typingCase && S.typingCase !== v.id) stopTyping();
    if (send({ type: 'typing', case_id: v.id, on: true })) { S.typingOnAt = now; S.typingCase = v.id; }
  }
  clearTimeout(S.typingIdle);
  S.typingIdle = setTimeout(stopTyping, TYPING_IDLE_MS);
}

function stopTyping() {
  clearTimeout(S.typingIdle);
  if (!S.typingOnAt) { S.typingCase = 0; return; }
  if (S.typingCase) send({ type: 'typing', case_id: S.typingCase, on: false });
  S.typingCase = 0; S.typingOnAt = 0;
}

function onTyping(f) {
  if (f.by && f.by !== 'customer') return;
  let caseId = f.case_id;
  if (!caseId && f.contact_id && S.mine.has(f.contact_id)) caseId = S.mine.get(f.contact_id).case_id;
  const v = S.cases.get(caseId);
  if (v) setCustomerTyping(v, !!f.on);
}

function setCustomerTyping(v, on) {
  clearTimeout(v.typingTimer);
  v.customerTyping = on;
  if (on) v.typingTimer = setTimeout(() => setCustomerTyping(v, false), CUSTOMER_TYPING_MS);
  if (v.id === S.selected) $('typing').hidden = !on;
}

/* ---------- receipts ---------- */

function pageSeen() { return document.visibilityState === 'visible' && document.hasFocus(); }

/* sendReceipts - "delivered" for what arrived, "read" when the agent can
 * see the conversation; each only when it moves forward. */
function sendReceipts(v) {
  if (!v || v.replaying) return;
  const upto = v.lastCustomerEventId;
  if (!upto) return;
  /* receipts belong to a chat: a case opened by its number may have none */
  const chat = !!contactOfCase(v.id);
  if (v.id === S.selected && pageSeen()) {
    v.unread = 0;
    if (chat && upto > v.readSent && send({ type: 'read', case_id: v.id, event_id: upto })) {
      v.readSent = v.deliveredSent = upto;
    }
    renderMine();
  } else if (chat && upto > v.deliveredSent && send({ type: 'read', case_id: v.id, event_id: upto, delivered: true })) {
    v.deliveredSent = upto;
  }
}

function onReceipt(f) {
  if (f.by && f.by !== 'customer') return;
  const v = S.cases.get(f.case_id);
  if (!v || !(f.read_upto > v.customerReadUpto)) return;
  v.customerReadUpto = f.read_upto;
  refreshStatuses(v);
}

/* refreshStatuses - "Sent" / "Seen" under my public messages. */
function refreshStatuses(v) {
  if (v.id !== S.selected) return;
  for (const node of $('timeline').querySelectorAll('li.mine[data-type="message"]')) {
    const id = Number(node.dataset.eventId);
    const st = node.querySelector('.status');
    if (st) st.textContent = id <= v.customerReadUpto ? 'Seen' : 'Sent';
  }
}

/* ---------- hold, transfer, end, accept ---------- */

function onHoldReminder(f) {
  S.reminders.set(f.contact_id, f.over_s || 0);
  const c = S.mine.get(f.contact_id);
  if (c && c.case_id !== S.selected) notice('Hold time reached for ' + ((c.customer && c.customer.name) || 'a customer') + ' - go back to them.', 'warn');
  renderMine();
  renderHoldReminder();
}

function askHold() {
  const c = contactOfCase(S.selected);
  const m = Number($('hold-minutes').value);
  if (!c) return;
  if (!Number.isInteger(m) || m < 1 || m > 60) { notice('Hold minutes must be a whole number from 1 to 60.', 'error'); return; }
  sendOrWarn({ type: 'hold_ask', contact_id: c.id, minutes: m, ref: 'hold:' + c.id });
}

function endHold() {
  const c = contactOfCase(S.selected);
  if (c) sendOrWarn({ type: 'hold_end', contact_id: c.id, ref: 'hold:' + c.id });
}

function accept(c) {
  if (!sendOrWarn({ type: 'accept', contact_id: c.id, ref: 'accept:' + c.id })) return;
  S.accepting.add(c.id);
  S.focusOnAssign = c.id;
  renderQueue();
}

function onError(f) {
  const ref = f.ref || '';
  if (ref === 'ping') return;
  if (ref.startsWith('accept:')) { S.accepting.delete(Number(ref.slice(7))); S.focusOnAssign = 0; renderQueue(); }
  if (f.cid) {
    for (const v of S.cases.values()) {
      const p = v.pending.get(f.cid);
      if (!p) continue;
      v.pending.delete(f.cid);
      markFailed(document.querySelector('[data-cid="' + CSS.escape(f.cid) + '"]'), p, 'Not sent: ' + (f.message || f.code) + '.');
    }
  }
  if (ref.startsWith('open:') && f.code === 'not_found') {
    const id = Number(ref.slice(5));
    S.cases.delete(id);
    if (S.selected === id) { S.selected = 0; $('timeline').replaceChildren(); renderConversation(); renderMine(); }
  }
  const words = ERROR_WORDS[f.reason] || ERROR_WORDS[f.code] || '';
  notice(words && f.message ? words + ' (' + f.message + ')' : words || f.message || f.code || 'Something went wrong.', 'error');
  if (f.code === 'unauthorized') authLost();
}

function openTransfer() {
  const c = contactOfCase(S.selected);
  if (!c) return;
  const ag = $('transfer-agent'), qu = $('transfer-queue');
  ag.replaceChildren(h('option', { value: '' }, '— choose an agent —'));
  for (const a of S.agents) {
    if (S.me && a.id === S.me.id) continue;
    ag.append(h('option', { value: a.id }, a.name + ' (' + (a.presence || 'offline') + ', ' + (a.active || 0) + ' / ' + (a.capacity || 0) + ')'));
  }
  const names = new Set(S.queues.map((q) => q.name));
  S.waiting.forEach((w) => names.add(w.queue));
  if (c.queue) names.add(c.queue);
  qu.replaceChildren(h('option', { value: '' }, '— or choose a queue —'));
  for (const n of [...names].filter(Boolean).sort()) qu.append(h('option', { value: n }, n));
  $('transfer-note').value = '';
  $('transfer-message').value = '';
  updateTransferSubmit();
  $('transfer-dialog').showModal();
  ag.focus();
}

/* updateTransferSubmit - Transfer is possible only with a target and a
 * note; when it is not, say why next to the disabled button. */
function updateTransferSubmit() {
  const note = $('transfer-note').value.trim();
  $('transfer-count').textContent = String($('transfer-note').value.length);
  const target = $('transfer-agent').value || $('transfer-queue').value;
  const why = !target ? 'Choose an agent or a queue.'
    : !note ? 'A handoff note is required: write what has been found and done, so the customer is not asked again.'
    : note.length > 2000 ? 'The handoff note can be at most 2000 characters.' : '';
  $('transfer-submit').disabled = !!why;
  $('transfer-error').textContent = why;
  $('transfer-error').hidden = !why;
}

function submitTransfer(ev) {
  ev.preventDefault();
  const c = contactOfCase(S.selected);
  const note = $('transfer-note').value.trim();
  const agentId = Number($('transfer-agent').value), queue = $('transfer-queue').value;
  if (!c || !note || (!agentId && !queue)) return;
  const f = { type: 'transfer', contact_id: c.id, note, ref: 'transfer:' + c.id };
  if (agentId) f.to_agent_id = agentId; else f.to_queue = queue;
  const msg = $('transfer-message').value.trim();
  if (msg) f.message = msg;
  if (sendOrWarn(f)) $('transfer-dialog').close();
}

function submitEnd(ev) {
  ev.preventDefault();
  const c = contactOfCase(S.selected);
  if (c && sendOrWarn({ type: 'end', contact_id: c.id, status: $('end-status').value, ref: 'end:' + c.id })) $('end-dialog').close();
}

/* closeChat - put an ended chat away. */
function closeChat() {
  const caseId = S.selected;
  const c = contactOfCase(caseId);
  if (c) { S.mine.delete(c.id); S.reminders.delete(c.id); }
  send({ type: 'close', case_id: caseId });
  S.cases.delete(caseId);
  S.selected = 0;
  $('timeline').replaceChildren();
  renderAll();
}

/* ---------- selection ---------- */

function select(caseId) {
  if (S.selected === caseId) { renderConversation(); return; }
  stopTyping();
  const old = S.cases.get(S.selected);
  if (old) { old.draft = $('composer').value; old.note = $('note-toggle').checked; }
  S.selected = caseId;
  if (!S.cases.has(caseId)) openCase(caseId);
  const c = contactOfCase(caseId);
  if (c) S.fresh.delete(c.id);
  const v = S.cases.get(caseId);
  $('composer').value = v.draft;
  $('note-toggle').checked = v.note;
  rebuildTimeline(v);
  renderConversation();
  renderMine();
  sendReceipts(v);
  $('composer').focus();
}

/* ---------- rendering ---------- */

function renderAll() {
  renderHeader(); renderQueue(); renderMine(); renderAgents(); renderConversation(); renderReplies();
}

function renderHeader() {
  const sel = $('presence');
  if (document.activeElement !== sel) sel.value = S.presence;
  const mine = S.me && S.agents.find((a) => a.id === S.me.id);
  const active = mine ? mine.active : [...S.mine.values()].filter(isLive).length;
  $('capacity').textContent = active + ' / ' + (S.capacity || (mine && mine.capacity) || 0);
  const unread = [...S.cases.values()].reduce((n, v) => n + v.unread, 0);
  document.title = (unread ? '(' + unread + ') ' : '') + 'heed console';
}

/* keepFocus - rebuild a list without losing the keyboard focus inside it. */
function keepFocus(list, build) {
  const a = document.activeElement;
  let key = null;
  if (a && list.contains(a)) {
    const item = a.closest('[data-contact-id]');
    key = item && [item.dataset.contactId, a.dataset.testid || a.tagName];
  }
  build();
  if (key) {
    const item = list.querySelector('[data-contact-id="' + CSS.escape(key[0]) + '"]');
    const el = item && (item.querySelector('[data-testid="' + CSS.escape(key[1]) + '"]') || item.querySelector('button'));
    if (el) el.focus();
  }
}

function renderQueue() {
  const list = $('queue');
  $('queue-count').textContent = String(S.waiting.length);
  keepFocus(list, () => {
    list.replaceChildren(...S.waiting.map(queueItem));
    if (!S.waiting.length) list.append(h('li', { class: 'none muted' }, 'Nobody is waiting.'));
  });
}

function queueItem(c) {
  const busy = S.accepting.has(c.id);
  const name = (c.customer && c.customer.name) || 'Visitor';
  return h('li', { class: 'item queue-item prio-' + (c.priority || 'normal'), testid: 'queue-item', 'data-contact-id': c.id },
    h('div', { class: 'row' },
      h('strong', { class: 'name' }, name),
      c.verified ? h('span', { class: 'badge ok', title: verifiedText(c.verified) }, 'Verified') : null,
      c.priority && c.priority !== 'normal' ? h('span', { class: 'badge prio' }, c.priority) : null,
      h('span', { class: 'spacer' }),
      h('span', { class: 'wait', 'data-waited': c.waited_s || 0, title: 'Waiting time' }, mmss(c.waited_s || 0))),
    h('div', { class: 'subject' }, c.subject || ''),
    c.tried ? h('div', { class: 'tried', title: c.tried }, 'Already tried: ' + c.tried) : null,
    c.handoff ? h('div', { class: 'handoff small' }, 'From ' + ((c.handoff.from && c.handoff.from.name) || 'a colleague') + ': ' + c.handoff.note) : null,
    h('div', { class: 'row small muted' },
      h('span', {}, c.queue || ''),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', testid: 'accept', class: 'primary small', disabled: busy,
        'aria-label': 'Accept chat with ' + name, onclick: () => accept(c) }, busy ? 'Accepting…' : 'Accept')));
}

function renderMine() {
  const list = $('my-chats');
  const chats = [...S.mine.values()];
  keepFocus(list, () => {
    list.replaceChildren(...chats.map(chatItem));
    if (!chats.length) list.append(h('li', { class: 'none muted' }, 'No chats yet.'));
  });
  renderHeader();
}

function chatItem(c) {
  const v = S.cases.get(c.case_id);
  const name = (c.customer && c.customer.name) || 'Visitor';
  const cls = ['item', 'chat-item'];
  if (c.case_id === S.selected) cls.push('selected');
  if (S.fresh.has(c.id)) cls.push('fresh');
  if (S.reminders.has(c.id)) cls.push('reminder');
  if (!isLive(c)) cls.push('ended');
  let state = STATE_WORDS[c.state] || c.state;
  if (c.hold && c.hold.state === 'asked') state = 'Hold asked';
  if (c.hold && c.hold.state === 'on') state = 'On hold';
  return h('li', { class: cls.join(' '), testid: 'chat-item', 'data-contact-id': c.id, 'data-case-id': c.case_id },
    h('button', { type: 'button', class: 'chat-open', 'aria-current': c.case_id === S.selected ? 'true' : null,
      onclick: () => select(c.case_id) },
      h('span', { class: 'row' },
        h('strong', { class: 'name' }, name),
        v && v.unread ? h('span', { class: 'badge unread', 'aria-label': v.unread + ' unread' }, String(v.unread)) : null,
        h('span', { class: 'spacer' }),
        h('span', { class: 'state small' }, state),
        c.hold && c.hold.state === 'on' ? h('span', { class: 'small timer', 'data-hold-start': c.hold.started_at }, ' ' + mmss(since(c.hold.started_at))) : null),
      h('span', { class: 'subject small muted' }, c.subject || ''),
      v && v.customerTyping ? h('span', { class: 'small typing-mini' }, 'typing…') : null));
}

function renderAgents() {
  const list = $('agents');
  list.replaceChildren(...S.agents.map((a) => h('li', { class: 'agent-item', testid: 'agent-item', 'data-agent-id': a.id },
    h('span', { class: 'dot ' + (a.presence || 'offline'), title: a.presence || 'offline' }),
    h('span', { class: 'name' }, a.name + (S.me && a.id === S.me.id ? ' (you)' : '')),
    h('span', { class: 'spacer' }),
    h('span', { class: 'small muted' }, (a.presence || 'offline') + ' · ' + (a.active || 0) + ' / ' + (a.capacity || 0)))));
  if (!S.agents.length) list.append(h('li', { class: 'none muted' }, 'No agents signed in.'));
}

function renderConversation() {
  const v = S.cases.get(S.selected);
  $('conv-empty').hidden = !!v;
  $('conv-body').hidden = !v;
  renderCaseDetails(v);
  const showing = v ? v.id : 0;
  if (showing !== shownCase) { shownCase = showing; runHooks('show', showing); }
  if (!v) { $('hold-reminder').hidden = true; return; }
  const c = contactOfCase(v.id);
  const name = (c && c.customer && c.customer.name) || v.customerName || 'Customer';
  $('conv-name').textContent = name;
  const meta = [];
  if (c) {
    meta.push(STATE_WORDS[c.state] || c.state);
    meta.push(c.customer_online === false ? 'customer offline (may come back)' : 'customer online');
    if (c.queue) meta.push(c.queue);
    if (c.priority && c.priority !== 'normal') meta.push(c.priority + ' priority');
  }
  meta.push('case #' + v.id);
  $('conv-meta').textContent = meta.join(' · ');
  const live = isLive(c);
  $('transfer').hidden = !live;
  $('end').hidden = !live;
  $('close-chat').hidden = live;
  renderHoldControls(c);
  renderHoldReminder();
  renderContext();
  $('typing').hidden = !v.customerTyping;
  const nt = $('note-toggle');
  if (!live) nt.checked = true;
  nt.disabled = !live;
  updateComposerMode();
}

function updateComposerMode() {
  const note = $('note-toggle').checked;
  const form = $('composer-form');
  form.classList.toggle('note-mode', note);
  $('composer').placeholder = note ? 'Internal note - the customer never sees this' :
    'Reply to the customer (Enter sends, Shift+Enter for a new line)';
  $('send').textContent = note ? 'Add note' : 'Send';
  $('composer-hint').textContent = note ? 'Internal' : '';
}

function renderHoldControls(c) {
  const box = $('hold-controls');
  const prevMinutes = $('hold-minutes') ? $('hold-minutes').value : '3';
  box.replaceChildren();
  if (!c || !isLive(c)) return;
  const hold = c.hold;
  if (!hold) {
    box.append(
      h('label', { class: 'small', for: 'hold-minutes' }, 'Minutes'),
      h('input', { id: 'hold-minutes', testid: 'hold-minutes', type: 'number', min: 1, max: 60, step: 1, value: prevMinutes || '3', class: 'minutes' }),
      h('button', { type: 'button', testid: 'hold-ask', onclick: askHold, title: 'The customer is asked first; nothing is on hold until they agree' }, 'Ask to hold'));
  } else if (hold.state === 'asked') {
    box.append(
      h('span', { class: 'hold-state asked', testid: 'hold-state', role: 'status' }, 'Waiting for the customer\'s answer (' + hold.minutes + ' min hold)'),
      h('button', { type: 'button', testid: 'hold-withdraw', onclick: endHold }, 'Withdraw'));
  } else {
    const over = since(hold.started_at) > hold.minutes * 60;
    box.append(
      h('span', { class: 'hold-state on', testid: 'hold-state', role: 'status' }, 'On hold, agreed ' + hold.minutes + ' min'),
      h('span', { class: 'timer' + (over ? ' over' : ''), testid: 'hold-timer', 'data-hold-start': hold.started_at, 'aria-label': 'Time on hold' }, mmss(since(hold.started_at))),
      h('button', { type: 'button', testid: 'hold-resume', class: 'primary', onclick: endHold }, 'Resume'));
  }
}

function renderHoldReminder() {
  const el = $('hold-reminder');
  const c = contactOfCase(S.selected);
  const on = c && c.hold && c.hold.state === 'on';
  const localOver = on ? since(c.hold.started_at) - c.hold.minutes * 60 : -1;
  const show = on && (S.reminders.has(c.id) || localOver >= 0);
  if (!show) { el.hidden = true; return; }
  const over = Math.max(S.reminders.get(c.id) || 0, localOver);
  const text = 'Agreed hold time reached - go back to the customer' + (over >= 60 ? ' (' + Math.floor(over / 60) + ' min over)' : '') + '.';
  if (el.hidden || el.firstChild === null || el.firstChild.textContent !== text) {
    el.replaceChildren(h('span', {}, text), h('button', { type: 'button', class: 'primary small', onclick: endHold }, 'Resume now'));
  }
  el.hidden = false;
}

/* renderContext - everything we know, before the first message: the
 * customer must never be asked for it again. */
function renderContext() {
  const v = S.cases.get(S.selected);
  const box = $('context');
  if (!v) { box.replaceChildren(); return; }
  const c = contactOfCase(v.id);
  const subject = (v.kase && v.kase.subject) || (c && c.subject) || '';
  const kids = [h('h3', { class: 'ctx-subject' }, subject || '(no subject)')];
  const who = h('p', { class: 'ctx-who' }, h('span', { class: 'name' }, (c && c.customer && c.customer.name) || v.customerName || 'Customer'), ' ');
  if (c && c.verified) who.append(h('span', { class: 'badge ok', testid: 'verified' }, verifiedText(c.verified)));
  else who.append(h('span', { class: 'badge muted-badge', testid: 'unverified' }, 'Not verified'));
  kids.push(who);
  if (c && c.handoff && c.handoff.note) {
    kids.push(h('p', { class: 'handoff', testid: 'handoff-note' },
      h('strong', {}, 'From ' + ((c.handoff.from && c.handoff.from.name) || 'a colleague') + ': '), c.handoff.note));
  }
  const triedFact = v.facts.get('already_tried');
  const tried = triedFact ? factValue(triedFact.value) : c && c.tried;
  if (tried) {
    kids.push(h('div', { class: 'tried-box' },
      h('p', { testid: 'already-tried' }, h('strong', {}, 'Already tried: '), tried),
      h('span', { class: 'small muted block' }, 'Do not ask the customer to repeat these steps.')));
  }
  const rest = [...v.facts.values()].filter((f) => f.key !== 'already_tried');
  if (rest.length) {
    kids.push(h('dl', { class: 'facts', testid: 'facts' }, rest.map((f) => [
      h('dt', { testid: 'fact', 'data-key': f.key }, factLabel(f.key)),
      h('dd', {}, factValue(f.value), h('span', { class: 'small muted' }, ' · ' + (f.source || '') + (f.created_at ? ' ' + clock(f.created_at) : '')))])));
  } else if (!tried) {
    kids.push(h('p', { class: 'small muted' }, 'No facts recorded yet.'));
  }
  box.replaceChildren(...kids);
}

function renderCaseDetails(v) {
  const dl = $('case-details');
  if (!v) { dl.replaceChildren(h('dd', { class: 'muted' }, 'No case selected.')); return; }
  const k = v.kase || {}, c = contactOfCase(v.id) || {};
  const rows = [['Case', '#' + v.id], ['Status', (k.status || '').replace(/_/g, ' ')], ['Queue', k.queue || c.queue],
    ['Priority', k.priority || c.priority], ['Started', clock(c.created_at || k.created_at)],
    ['Waited', c.waited_s !== undefined ? mmss(c.waited_s) : ''], ['Held in total', c.hold_total_s ? mmss(c.hold_total_s) : ''],
    ['Email updates', c.notify_email]];
  dl.replaceChildren(...rows.filter((r) => r[1]).map((r) => [h('dt', {}, r[0]), h('dd', {}, r[1])]).flat());
}

/* ---------- timeline ---------- */

function rebuildTimeline(v) {
  const tl = $('timeline');
  tl.replaceChildren();
  if (!v) return;
  const ids = [...v.events.keys()].sort((a, b) => a - b);
  for (const id of ids) tl.append(renderEvent(v, v.events.get(id)));
  for (const p of v.pending.values()) tl.append(renderPending(p));
  if (v.replaying) tl.setAttribute('aria-busy', 'true'); else tl.removeAttribute('aria-busy');
  scrollTimeline(true);
}

/* insertEvent - place a new event in id order; never a second node for an id. */
function insertEvent(v, ev) {
  const tl = $('timeline');
  if (tl.querySelector('[data-event-id="' + ev.id + '"]')) return;
  const near = tl.scrollHeight - tl.scrollTop - tl.clientHeight < 80;
  const node = renderEvent(v, ev);
  const acked = tl.querySelector('[data-acked-id="' + ev.id + '"]');
  if (acked) { acked.replaceWith(node); return; }
  let before = null;
  for (const li of tl.querySelectorAll('li[data-event-id]')) {
    if (Number(li.dataset.eventId) > ev.id) { before = li; break; }
  }
  if (!before) before = tl.querySelector('li.pending');
  tl.insertBefore(node, before);
  scrollTimeline(near || isMe(ev.author));
}

function scrollTimeline(force) {
  const tl = $('timeline');
  if (force) tl.scrollTop = tl.scrollHeight;
}

function authorName(a) {
  if (!a) return '';
  if (isMe(a)) return 'You';
  if (a.name) return a.name;
  return a.kind === 'customer' ? 'Customer' : a.kind === 'agent' ? 'Agent' : 'heed';
}

/* systemText - a system event in plain words. */
function systemText(ev) {
  const d = ev.data || {};
  switch (ev.type) {
    case 'fact': return 'Learnt: ' + factLabel(d.key || '') + ' = ' + factValue(d.value) + (d.source ? ' (from ' + d.source + ')' : '');
    case 'plan': return ev.body ? 'Plan: ' + ev.body : 'Plan removed';
    case 'call': return 'Call logged by ' + authorName(ev.author) + (ev.body ? ': ' + ev.body : '');
    case 'handoff': return 'Handoff note from ' + authorName(ev.author) + ' (to ' + (d.to_queue ? 'the ' + d.to_queue + ' queue' : agentName(d.to_agent_id)) + '): ' + (d.note || ev.body || '');
    default: if (ev.body) return ev.body;
  }
  switch (ev.type) {
    case 'created': return 'Case opened';
    case 'verification': return 'Customer verified' + (d.method ? ': ' + (METHODS[d.method] || d.method) : '');
    case 'agent_joined': return agentName(d.agent_id) + ' joined the chat';
    case 'hold_requested': return 'Asked the customer to hold for ' + d.minutes + ' min';
    case 'hold_started': return 'The customer agreed: on hold for ' + d.minutes + ' min';
    case 'hold_declined': return 'The customer asked to stay connected, not to hold';
    case 'hold_ended': return d.withdrawn ? 'The request to hold was withdrawn' : 'Back from hold after ' + mmss(d.seconds || 0);
    case 'contact_later': return 'The customer asked to be contacted later instead of holding';
    case 'transfer': return 'Transferred' + (d.to_queue ? ' to the ' + d.to_queue + ' queue' : d.to_agent_id ? ' to ' + agentName(d.to_agent_id) : '');
    case 'notify_requested': return 'The customer asked to be emailed when an agent replies';
    case 'chat_ended': return 'Chat ended' + (d.status ? ': ' + String(d.status).replace(/_/g, ' ') : '');
    case 'customer_left': return 'The customer left the chat';
    case 'status_change': return 'Status: ' + String(d.from || '?').replace(/_/g, ' ') + ' → ' + String(d.to || '?').replace(/_/g, ' ');
    case 'assignment': return d.to ? 'Owner: ' + agentName(d.to) : 'No owner now';
    case 'priority_change': return 'Priority: ' + d.from + ' → ' + d.to;
    case 'queue_change': return 'Queue: ' + d.from + ' → ' + d.to;
    case 'subject_change': return 'Subject changed to: ' + d.to;
    default: return ev.type.replace(/_/g, ' ');
  }
}

function renderEvent(v, ev) {
  const internal = ev.visibility === 'internal' || ev.type === 'note';
  const base = { testid: 'event', 'data-event-id': ev.id, 'data-type': ev.type };
  if (ev.type === 'message' || ev.type === 'note') {
    const mine = isMe(ev.author);
    const who = ev.author && ev.author.kind === 'customer' ? 'customer' : 'agent';
    const cls = ['msg', who, mine ? 'mine' : '', internal ? 'internal' : ''].join(' ');
    let status = null;
    if (mine && !internal) status = h('span', { class: 'status small' }, ev.id <= v.customerReadUpto ? 'Seen' : 'Sent');
    return h('li', Object.assign({ class: cls }, base),
      h('div', { class: 'meta small' },
        internal ? h('span', { class: 'badge internal-badge' }, 'Internal') : null,
        h('span', { class: 'who' }, authorName(ev.author)),
        h('time', { datetime: ev.created_at, class: 'muted' }, clock(ev.created_at))),
      h('div', { class: 'body' }, ev.body || ''),
      status);
  }
  return h('li', Object.assign({ class: 'sys' + (internal ? ' internal' : '') + ' t-' + ev.type }, base),
    internal ? h('span', { class: 'badge internal-badge' }, 'Internal') : null,
    h('span', { class: 'text' }, capital(systemText(ev))),
    h('time', { datetime: ev.created_at, class: 'muted small' }, ' ' + clock(ev.created_at)));
}

function renderPending(p) {
  return h('li', { class: 'msg agent mine pending' + (p.internal ? ' internal' : ''), testid: 'event-pending', 'data-cid': p.cid },
    h('div', { class: 'meta small' },
      p.internal ? h('span', { class: 'badge internal-badge' }, 'Internal') : null,
      h('span', { class: 'who' }, 'You'),
      h('time', { class: 'muted' }, clock(p.at))),
    h('div', { class: 'body' }, p.body),
    h('span', { class: 'status small', testid: 'message-status' }, p.status === 'sending' ? 'Sending…' : 'Not confirmed'));
}

/* ---------- saved replies ---------- */

async function loadReplies() {
  try {
    const r = await api('GET', '/saved-replies');
    S.replies = (r && r.items) || [];
  } catch (e) {
    S.replies = [];
    if (e.status !== 401 && e.status !== 404) notice('Saved replies could not be loaded: ' + e.message, 'error');
  }
  renderReplies();
}

async function loadQueues() {
  try { const r = await api('GET', '/queues'); S.queues = (r && r.items) || []; } catch (e) { S.queues = []; }
}

function renderReplies() {
  const list = $('saved-replies');
  const q = $('replies-filter').value.trim().toLowerCase();
  const items = S.replies.filter((r) => !q || (r.title + ' ' + r.body).toLowerCase().includes(q));
  list.replaceChildren(...items.map((r) => h('li', { class: 'reply', testid: 'saved-reply', 'data-reply-id': r.id },
    h('button', { type: 'button', class: 'reply-use', testid: 'saved-reply-insert', title: r.body, onclick: () => insertReply(r) },
      h('strong', {}, r.title), r.shared ? h('span', { class: 'badge' }, 'shared') : null,
      h('span', { class: 'small muted block clamp' }, r.body)),
    S.me && r.owner_id === S.me.id ? h('button', { type: 'button', class: 'link small', testid: 'saved-reply-delete',
      'aria-label': 'Delete saved reply ' + r.title, onclick: () => deleteReply(r) }, 'Delete') : null)));
  if (!items.length) list.append(h('li', { class: 'none muted' }, S.replies.length ? 'No match.' : 'No saved replies yet.'));
}

function insertReply(r) {
  const box = $('composer');
  if (!S.selected) { notice('Open a chat first.'); return; }
  const s = box.selectionStart ?? box.value.length, e = box.selectionEnd ?? box.value.length;
  box.value = box.value.slice(0, s) + r.body + box.value.slice(e);
  box.focus();
  box.selectionStart = box.selectionEnd = s + r.body.length;
  onComposerInput();
}

function openSaveReply() {
  const text = $('composer').value.trim();
  if (!text) { notice('Write the reply in the box first, then save it.'); return; }
  $('reply-body').value = text;
  $('reply-title').value = text.split('\n')[0].slice(0, 60);
  const canShare = S.me && (S.me.role === 'supervisor' || S.me.role === 'admin');
  $('reply-shared-wrap').hidden = !canShare;
  $('reply-shared').checked = false;
  $('reply-dialog').showModal();
  $('reply-title').select();
}

async function submitSaveReply(ev) {
  ev.preventDefault();
  const title = $('reply-title').value.trim(), body = $('reply-body').value.trim();
  if (!title || !body) { notice('A saved reply needs a title and a text.', 'error'); return; }
  const canShare = S.me && (S.me.role === 'supervisor' || S.me.role === 'admin');
  try {
    const r = await api('POST', '/saved-replies', { title, body, shared: canShare && $('reply-shared').checked });
    $('reply-dialog').close();
    if (r && r.id) S.replies.push(r); else await loadReplies();
    renderReplies();
    notice('Saved "' + title + '".');
  } catch (e) {
    notice('Could not save the reply: ' + e.message, 'error');
  }
}

async function deleteReply(r) {
  try {
    await api('DELETE', '/saved-replies/' + encodeURIComponent(r.id));
    S.replies = S.replies.filter((x) => x.id !== r.id);
    renderReplies();
    notice('Deleted "' + r.title + '".');
  } catch (e) {
    notice('Could not delete: ' + e.message, 'error');
  }
}

/* ---------- ticking clocks ---------- */

function tick() {
  const dq = (Date.now() - S.queueSeenAt) / 1000;
  for (const el of document.querySelectorAll('#queue .wait')) el.textContent = mmss(Number(el.dataset.waited) + (S.queueSeenAt ? dq : 0));
  for (const el of document.querySelectorAll('[data-hold-start]')) {
    const c = contactOfCase(S.selected);
    const s = since(el.dataset.holdStart);
    el.textContent = (el.dataset.testid ? '' : ' ') + mmss(s);
    if (el.dataset.testid === 'hold-timer' && c && c.hold) el.classList.toggle('over', s > c.hold.minutes * 60);
  }
  renderHoldReminder();
}

/* ---------- wiring ---------- */

function wireStatic() {
  $('login-form').addEventListener('submit', login);
  $('sign-out').addEventListener('click', signOut);
  $('presence').addEventListener('change', (e) => {
    const status = e.target.value;
    if (sendOrWarn({ type: 'presence', status, ref: 'presence' })) S.presence = S.chosenPresence = status;
    else e.target.value = S.presence;
    renderHeader();
  });
  const box = $('composer');
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendMessage(); }
  });
  box.addEventListener('input', onComposerInput);
  $('composer-form').addEventListener('submit', (e) => { e.preventDefault(); sendMessage(); });
  $('note-toggle').addEventListener('change', () => {
    if ($('note-toggle').checked) stopTyping();
    const v = S.cases.get(S.selected);
    if (v) v.note = $('note-toggle').checked;
    updateComposerMode();
  });
  $('save-reply').addEventListener('click', openSaveReply);
  $('reply-form').addEventListener('submit', submitSaveReply);
  $('reply-cancel').addEventListener('click', () => $('reply-dialog').close());
  $('replies-filter').addEventListener('input', renderReplies);
  $('transfer').addEventListener('click', openTransfer);
  $('transfer-form').addEventListener('submit', submitTransfer);
  $('transfer-cancel').addEventListener('click', () => $('transfer-dialog').close());
  $('transfer-note').addEventListener('input', updateTransferSubmit);
  $('transfer-agent').addEventListener('change', () => { if ($('transfer-agent').value) $('transfer-queue').value = ''; updateTransferSubmit(); });
  $('transfer-queue').addEventListener('change', () => { if ($('transfer-queue').value) $('transfer-agent').value = ''; updateTransferSubmit(); });
  $('end').addEventListener('click', () => { $('end-status').value = 'resolved'; $('end-dialog').showModal(); $('end-status').focus(); });
  $('end-form').addEventListener('submit', submitEnd);
  $('end-cancel').addEventListener('click', () => $('end-dialog').close());
  $('close-chat').addEventListener('click', closeChat);
  $('open-case-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = Number($('open-case-id').value);
    if (!Number.isInteger(id) || id < 1) { notice('Enter a case number.', 'error'); return; }
    $('open-case-id').value = '';
    select(id);
  });
  const seen = () => sendReceipts(S.cases.get(S.selected));
  window.addEventListener('focus', seen);
  document.addEventListener('visibilitychange', seen);
  setInterval(tick, 1000);
}

/* what commitments.js, identity.js and flows.js may use */
window.heedConsole = Object.freeze({
  h, api, notice, clock,
  on: (name, fn) => { HOOKS[name].push(fn); },
  open: (caseId) => select(caseId),
  selected: () => S.selected,
  me: () => S.me,
  agents: () => S.agents.slice(),
});

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();

})();
