/*
 * status.js - the customer's status page of one case.
 *
 * The private token is the URL fragment (/status/#TOKEN): it is never sent
 * to the server as part of the page's URL.  The page reads the case from
 * the public API (GET /api/v1/status/{token}) and shows, in plain words,
 * where things stand, what happens next and by when, the plan, and the
 * public timeline; the customer can add a message, answer the steps of a
 * guided flow that are theirs to answer (so the agent never asks them),
 * and, once the case is resolved, answer "Is your problem fixed?".  The view is read again every
 * 15 s and right after each action.
 *
 * Everything the server sends goes into the page as text (textContent),
 * never as HTML.  Times are shown in the browser's own time zone.
 */
'use strict';
(function () {

const API = '/api/v1/status/';
const REFRESH_MS = 15000;

const S = {
  token: '',
  questionId: '',      // the guided step shown, so a refresh keeps typing
  asking: false,       // an answer is on its way
  view: null,          // the last good view from the server
  gone: false,         // the link is not valid (404): stop asking
  loading: false,
  again: false,        // a refresh was asked for while one ran
  timer: 0,
  fixed: null,         // the Yes / No chosen in the follow-up form
  fuShown: false,      // the follow-up form is on screen (keep its inputs)
  sending: false,       // a message is on its way
  answering: false,     // the follow-up answer is on its way
};

const $ = (id) => document.getElementById(id);

/* h - an element with attributes and children; strings become text nodes. */
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

/* setText - change a node's text only when it differs (no needless
 * announcements from live regions). */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/* ---------- times, in the reader's own zone ---------- */

const fullFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const shortFmt = new Intl.DateTimeFormat(undefined, {
  day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function parseTime(t) {
  if (!t) return null;
  const d = new Date(t);
  return isNaN(d) ? null : d;
}

/* when - "Mon 23 Nov, 15:00 CET" for an RFC 3339 time ('' if none). */
function when(t) {
  const d = parseTime(t);
  return d ? fullFmt.format(d) : '';
}

function timeEl(t, fmt = fullFmt) {
  const d = parseTime(t);
  return h('time', { datetime: t || null }, d ? fmt.format(d) : '');
}

/* ---------- words ---------- */

const STATUS_WORDS = {
  new: 'received', open: 'in progress', pending_customer: 'waiting for you',
  pending_internal: 'with another team', resolved: 'resolved', closed: 'closed',
};

const KIND_WORDS = {
  callback: 'A call from us', reply: 'A reply from us', fix: 'The fix', update: 'An update from us',
};

const CHANNEL_WORDS = { phone: 'by phone', email: 'by email', chat: 'in the chat', status_page: 'on this page' };

const TYPE_WORDS = {
  created: 'We received your request',
  status_change: 'Status changed',
  promise_made: 'We made you a promise',
  promise_kept: 'We kept our promise',
  promise_at_risk: 'A promise may be late',
  promise_broken: 'We did not keep a promise',
  promise_revised: 'We changed the time of a promise',
  promise_cancelled: 'A promise no longer applies',
  followup_sent: 'We asked whether it is fixed',
  followup_answer: 'You answered our question',
  fact: 'Noted',
  call: 'We called you',
  verification: 'We confirmed who you are',
  chat_started: 'Chat started',
  chat_ended: 'Chat ended',
  customer_left: 'You left the chat',
  agent_joined: 'Someone joined the chat',
  transfer: 'Passed to a colleague',
};

function capital(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : s; }
function typeLabel(type) { return TYPE_WORDS[type] || capital(String(type || 'update').replace(/_/g, ' ')); }

function factText(d) {
  const key = capital(String(d.key || '').replace(/\./g, ' ').replace(/_/g, ' '));
  let v = d.value;
  if (v === null || v === undefined) v = '';
  else if (typeof v === 'boolean') v = v ? 'yes' : 'no';
  else if (typeof v !== 'string') v = JSON.stringify(v);
  return key ? 'Noted: ' + key + (v ? ': ' + v : '') : 'Noted';
}

/* eventText - a timeline line that is not a message, in plain words. */
function eventText(ev) {
  const d = ev.data && typeof ev.data === 'object' ? ev.data : {};
  if (ev.type === 'plan') return ev.body ? 'The plan: ' + ev.body : 'The plan was withdrawn.';
  if (ev.body) return ev.body;
  if (ev.type === 'status_change' && d.to) return 'Status: ' + (STATUS_WORDS[d.to] || String(d.to).replace(/_/g, ' ')) + '.';
  if (ev.type === 'fact') return factText(d);
  if (ev.type === 'followup_answer' && typeof d.fixed === 'boolean') return d.fixed ? 'You told us it is fixed.' : 'You told us it is not fixed yet.';
  return typeLabel(ev.type) + '.';
}

function whoOf(ev) {
  if (ev.author === 'customer') return 'You';
  if (ev.author === 'agent') return ev.author_name || 'Our team';
  return 'Customer service';
}

/* ---------- the API ---------- */

/* call - one request; resolves {status, data}; rejects only on network
 * failure. */
async function call(method, path, body) {
  const opt = { method, credentials: 'omit', cache: 'no-store', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body);
  }
  const res = await fetch(API + encodeURIComponent(S.token) + path, opt);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  return { status: res.status, data };
}

function errorText(r, fallback) {
  const e = r && r.data && r.data.error;
  if (e && e.message) return e.message;
  return fallback + (r && r.status ? ' (error ' + r.status + ')' : '');
}

/* ---------- loading ---------- */

function readToken() {
  let t = location.hash.replace(/^#/, '');
  try { t = decodeURIComponent(t); } catch (e) { /* keep as is */ }
  return t.trim();
}

/* refresh - read the view again.  A call while one is under way runs once
 * more after it, so an action's result is never lost to an older read. */
async function refresh() {
  if (S.gone) return;
  if (S.loading) { S.again = true; return; }
  S.loading = true;
  S.again = false;
  try {
    const r = await call('GET', '');
    if (r.status === 200 && r.data && r.data.case) {
      $('offline').hidden = true;
      render(r.data);
    } else if (r.status === 404) {
      linkGone();
    } else {
      showOffline('We could not load your case just now' + (r.status ? ' (error ' + r.status + ')' : '') + '. We will try again shortly.');
    }
  } catch (e) {
    showOffline('We cannot reach our server just now. We will try again shortly.');
  } finally {
    S.loading = false;
  }
  if (S.again) return refresh();
}

function showOffline(text) {
  $('loading').hidden = true;
  const el = $('offline');
  setText(el, text);
  el.hidden = false;
}

/* linkGone - the token is unknown or revoked: show that, and nothing of the
 * case (a page left open must not keep showing it). */
function linkGone() {
  S.gone = true;
  S.view = null;
  clearInterval(S.timer);
  $('loading').hidden = true;
  $('offline').hidden = true;
  $('view').hidden = true;
  for (const id of ['standing', 'next', 'plan', 'case-ref', 'updated', 'greeting']) $(id).textContent = '';
  $('promises').replaceChildren();
  $('timeline').replaceChildren();
  $('answered').replaceChildren();
  $('msg').value = '';
  $('fu-comment').value = '';
  $('title').textContent = 'Your case';
  document.title = 'Link not valid';
  $('invalid').hidden = false;
}

/* ---------- drawing ---------- */

function render(v) {
  S.view = v;
  const c = v.case || {};
  $('loading').hidden = true;
  $('invalid').hidden = true;
  $('view').hidden = false;
  setText($('title'), c.subject || 'Your case');
  document.title = (c.subject ? c.subject + ' - ' : '') + 'your case';
  setText($('greeting'), v.customer_name ? 'Hello ' + v.customer_name + '. This page shows where your case stands.' : 'This page shows where your case stands.');
  setText($('case-ref'), '#' + c.id + ' (' + (STATUS_WORDS[c.status] || String(c.status || '').replace(/_/g, ' ')) + ')');
  const upd = $('updated');
  upd.replaceChildren('last change ', timeEl(c.updated_at || c.created_at, shortFmt));
  upd.dataset.testid = 'status-updated';

  setText($('standing'), v.standing || '');
  renderNext(v);
  renderPromises(v.promises || []);
  const plan = typeof v.plan === 'string' ? v.plan.trim() : '';
  $('plan-box').hidden = !plan;
  setText($('plan'), plan);
  renderFollowup(v);
  renderGuided(v.guided);
  renderTimeline(v.timeline || []);
  const closed = c.status === 'closed';
  $('msg-closed').hidden = !closed;
  $('msg').disabled = closed;
  $('msg-send').disabled = closed || S.sending;
}

/* renderGuided - the step of the case's guided flow the customer may
 * answer themselves (null: none now); one question at a time. */
function renderGuided(g) {
  const q = g && g.question;
  $('guided').hidden = !q;
  if (!q) { S.questionId = ''; return; }
  if (S.questionId === q.id && !S.asking) return; /* keep what they are typing */
  S.questionId = q.id;
  setText($('gq-flow'), g.title || '');
  setText($('gq-text'), q.text || q.label || '');
  const box = $('gq-answer');
  const send = (value) => sendQuestion(q.id, value);
  if (q.answer === 'yes_no') {
    box.replaceChildren(h('button', { type: 'button', 'data-testid': 'status-q-yes', onclick: () => send(true) }, 'Yes'),
      h('button', { type: 'button', 'data-testid': 'status-q-no', onclick: () => send(false) }, 'No'));
  } else if (q.answer === 'choice') {
    box.replaceChildren(...(q.options || []).map((o) =>
      h('button', { type: 'button', 'data-testid': 'status-q-option', 'data-value': o, onclick: () => send(o) }, o)));
  } else {
    const input = h('input', { type: q.answer === 'number' ? 'number' : 'text', 'data-testid': 'status-q-input',
      'aria-labelledby': 'gq-text', maxlength: '500' });
    box.replaceChildren(input, h('button', { type: 'submit', class: 'primary', 'data-testid': 'status-q-send' }, 'Answer'));
    $('gq-form').onsubmit = (e) => {
      e.preventDefault();
      const raw = input.value.trim();
      if (raw) send(q.answer === 'number' ? Number(raw) : raw);
    };
  }
  $('gq-error').hidden = true;
}

async function sendQuestion(step, value) {
  if (S.asking) return;
  S.asking = true;
  const err = $('gq-error');
  err.hidden = true;
  try {
    const r = await call('POST', '/answers', { step, value });
    if (r.status === 404) { linkGone(); return; }
    if (r.status !== 200) {
      err.textContent = errorText(r, 'Your answer could not be sent.');
      err.hidden = false;
    }
  } catch (x) {
    err.textContent = 'Your answer could not be sent: we cannot reach our server. Please try again.';
    err.hidden = false;
  } finally {
    S.asking = false;
  }
  await refresh();
}

/* renderNext - what happens next, and by when: the soonest promise's time
 * (its new time when it was revised). */
function renderNext(v) {
  const el = $('next');
  const p = (v.promises || [])[0];
  const next = (v.next || '').trim();
  const kids = [];
  if (p && p.revised_due_at) {
    kids.push(next ? next + ' ' : '', 'New time: ', timeEl(p.revised_due_at), '.');
  } else if (p && p.due_at) {
    kids.push(next ? next.replace(/[.!]\s*$/, '') + ' by ' : 'By ', timeEl(p.due_at), '.');
  } else {
    kids.push(next);
  }
  const text = kids.map((k) => (typeof k === 'string' ? k : k.textContent)).join('');
  if (el.textContent !== text) el.replaceChildren(...kids);
}

function renderPromises(list) {
  const ul = $('promises');
  ul.replaceChildren(...list.map((p) => {
    const what = KIND_WORDS[p.kind] || capital(String(p.kind || 'promise'));
    const due = p.revised_due_at || p.due_at;
    const li = h('li', { class: 'promise' + (p.revised_due_at ? ' revised' : ''), testid: 'status-promise',
      'data-promise-id': p.id, 'data-kind': p.kind },
      h('strong', {}, what), ' by ', timeEl(due));
    if (p.channel) li.append(h('span', { class: 'muted small' }, ' · ' + (CHANNEL_WORDS[p.channel] || String(p.channel).replace(/_/g, ' '))));
    if (p.revised_due_at) li.append(h('span', { class: 'muted small block' }, 'We first said ', timeEl(p.due_at), '.'));
    return li;
  }));
  ul.hidden = !list.length;
}

function renderFollowup(v) {
  const fu = v.followup;
  const box = $('followup');
  if (v.can_answer) {
    if (!S.fuShown) resetFollowup();
    S.fuShown = true;
    box.hidden = false;
  } else {
    S.fuShown = false;
    box.hidden = true;
  }
  const done = $('answered');
  if (fu && fu.state === 'answered') {
    const lines = [h('h2', {}, 'Thank you for your answer.')];
    if (fu.fixed === false) {
      lines.push(h('p', {}, 'You told us it is not fixed yet, so we have reopened your case with the same person in charge. ' +
        'Your comment is on the case.'));
    } else if (fu.fixed === true) {
      lines.push(h('p', {}, 'You told us it is fixed. If it comes back, write to us below.'));
    }
    if (fu.ease) lines.push(h('p', { class: 'muted small' }, 'How easy it was to get help: ' + fu.ease + ' out of 7.'));
    const text = lines.map((n) => n.textContent).join('|');
    if (done.dataset.text !== text) { done.replaceChildren(...lines); done.dataset.text = text; }
    done.hidden = false;
  } else {
    done.hidden = true;
  }
}

function renderTimeline(events) {
  const ol = $('timeline');
  /* rebuild only when something changed (keeps the reader's place);
   * events never change once written, so their ids say it all */
  const sig = events.map((e) => e.id).join(',');
  if (ol.dataset.sig === sig && ol.children.length) return;
  ol.dataset.sig = sig;
  const items = events.map((ev) => {
    const isMsg = ev.type === 'message';
    const cls = ['ev', isMsg ? 'msg' : 'sys', 'by-' + (ev.author || 'system'), 't-' + ev.type].join(' ');
    const li = h('li', { class: cls, testid: 'status-event', 'data-event-id': ev.id, 'data-type': ev.type,
      'data-author': ev.author || 'system' });
    if (isMsg) {
      li.append(
        h('div', { class: 'meta small' }, h('span', { class: 'who' }, whoOf(ev)), ' ', timeEl(ev.created_at, shortFmt)),
        h('div', { class: 'body' }, ev.body || ''));
    } else {
      li.append(h('span', { class: 'text' }, eventText(ev)), ' ', h('span', { class: 'muted small' }, timeEl(ev.created_at, shortFmt)));
    }
    return li;
  });
  if (!items.length) items.push(h('li', { class: 'muted' }, 'Nothing yet.'));
  ol.replaceChildren(...items);
}

/* ---------- sending a message ---------- */

async function sendMessage(e) {
  e.preventDefault();
  const box = $('msg');
  const body = box.value.trim();
  const err = $('msg-error');
  err.hidden = true;
  if (!body) { err.textContent = 'Write your message first.'; err.hidden = false; box.focus(); return; }
  if (S.sending) return;
  S.sending = true;
  $('msg-send').disabled = true;
  setText($('msg-sent'), 'Sending…');
  try {
    const r = await call('POST', '/messages', { body });
    if (r.status === 201 || r.status === 200) {
      box.value = '';
      setText($('msg-sent'), 'Sent. Thank you - we will read it.');
    } else if (r.status === 404) {
      linkGone();
      return;
    } else {
      setText($('msg-sent'), '');
      err.textContent = errorText(r, 'Your message could not be sent.');
      err.hidden = false;
    }
  } catch (x) {
    setText($('msg-sent'), '');
    err.textContent = 'Your message could not be sent: we cannot reach our server. Please try again.';
    err.hidden = false;
  } finally {
    S.sending = false;
    $('msg-send').disabled = !!(S.view && S.view.case && S.view.case.status === 'closed');
  }
  await refresh();
}

/* ---------- "Is your problem fixed?" ---------- */

function resetFollowup() {
  S.fixed = null;
  $('fu-yes').setAttribute('aria-pressed', 'false');
  $('fu-no').setAttribute('aria-pressed', 'false');
  for (const r of document.querySelectorAll('input[name="ease"]')) r.checked = false;
  $('fu-comment').value = '';
  $('fu-error').hidden = true;
  updateFollowupSend();
}

function choose(fixed) {
  S.fixed = fixed;
  $('fu-yes').setAttribute('aria-pressed', String(fixed === true));
  $('fu-no').setAttribute('aria-pressed', String(fixed === false));
  updateFollowupSend();
}

function updateFollowupSend() {
  const hint = $('fu-hint');
  $('fu-send').disabled = S.fixed === null || S.answering;
  hint.textContent = S.fixed === null ? 'Choose Yes or No first.'
    : S.fixed ? 'Glad to hear it.' : 'Tell us what is still wrong, if you like: the same person will pick it up again.';
}

async function sendAnswer(e) {
  e.preventDefault();
  if (S.fixed === null || S.answering) return;
  const body = { fixed: S.fixed };
  const ease = document.querySelector('input[name="ease"]:checked');
  if (ease) body.ease = Number(ease.value);
  const comment = $('fu-comment').value.trim();
  if (comment) body.comment = comment;
  const err = $('fu-error');
  err.hidden = true;
  S.answering = true;
  updateFollowupSend();
  try {
    const r = await call('POST', '/followup', body);
    if (r.status === 200 || r.status === 201) {
      S.fuShown = false;
      if (r.data && r.data.case) render(r.data);
      else await refresh();
      $('answered').focus();
      return;
    }
    if (r.status === 404) { linkGone(); return; }
    err.textContent = errorText(r, 'Your answer could not be sent.');
    err.hidden = false;
    if (r.status === 409) await refresh();
  } catch (x) {
    err.textContent = 'Your answer could not be sent: we cannot reach our server. Please try again.';
    err.hidden = false;
  } finally {
    S.answering = false;
    updateFollowupSend();
  }
}

/* ---------- start ---------- */

function start() {
  S.token = readToken();
  S.gone = false;
  clearInterval(S.timer);
  if (!S.token) { linkGone(); return; }
  $('invalid').hidden = true;
  refresh();
  S.timer = setInterval(refresh, REFRESH_MS);
}

function wire() {
  $('msg-form').addEventListener('submit', sendMessage);
  $('fu-form').addEventListener('submit', sendAnswer);
  $('fu-yes').addEventListener('click', () => choose(true));
  $('fu-no').addEventListener('click', () => choose(false));
  $('answered').tabIndex = -1;
  window.addEventListener('hashchange', start);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') refresh(); });
  start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
else wire();

})();
