/*
 * identity.js - what travels with the case shown in the console, so the
 * customer is never asked twice (stories 001 and 003):
 *
 *   - the newest handoff summary, first, for the agent who received it;
 *   - the verification badge ("Verified by account number and PIN at
 *     10:02, phone menu · holds until 10:32") and "Verify…": while one
 *     holds, verifying again needs a reason picked from a list, and it is
 *     counted;
 *   - customer effort: how often the customer was asked again;
 *   - "Hand over…": the summary heed drafts from what the case holds,
 *     edited by the agent, sent with the new owner or queue; a chat
 *     transfer's note starts from the same draft.
 *
 * REST only (docs/openapi.yaml, tag identity), with the session cookie;
 * data goes into the page as text.  It plugs into console.js through
 * window.heedConsole.
 */
'use strict';
(function () {

const C = window.heedConsole;
if (!C) return;
const { h, api, notice, clock } = C;
const $ = (id) => document.getElementById(id);

const METHOD_WORDS = {
  phone_pin: 'account number and PIN', portal_login: 'signing in to the portal',
  signed_widget_identity: 'signing in on the website', email_link: 'a link sent by email',
  agent_questions: 'security questions',
};
const REASON_WORDS = {
  high_risk_change: 'High-risk change (e.g. new bank details)', details_mismatch: 'Details do not match',
  step_up: 'Needs a higher level', customer_request: 'The customer asked', new_contact_person: 'Someone else on the line',
};

const I = { caseId: 0, state: null, effort: null, handoff: null, seq: 0, reloadTimer: 0 };

/* ---------- reading ---------- */

async function load() {
  const id = I.caseId, seq = ++I.seq;
  if (!id) return;
  try {
    const [state, effort, handoffs] = await Promise.all([
      api('GET', '/cases/' + id + '/verifications'),
      api('GET', '/cases/' + id + '/effort'),
      api('GET', '/cases/' + id + '/handoffs?limit=1'),
    ]);
    if (seq !== I.seq || id !== I.caseId) return;
    I.state = state; I.effort = effort; I.handoff = handoffs.items[0] || null;
    render();
  } catch (e) {
    if (e.status !== 404 && seq === I.seq) notice('Could not load the verification: ' + e.message, 'error');
  }
}

function reloadSoon() {
  clearTimeout(I.reloadTimer);
  I.reloadTimer = setTimeout(load, 150);
}

/* ---------- drawing ---------- */

function verifiedWords(v) {
  const how = v.detail || METHOD_WORDS[v.method] || v.method.replace(/_/g, ' ');
  return 'Verified by ' + how + ' at ' + clock(v.created_at) + (v.via ? ', ' + v.via : '');
}

function render() {
  const box = $('identity');
  if (!I.caseId || !I.state) { box.replaceChildren(); box.hidden = true; return; }
  const kids = [];
  if (I.handoff) {
    kids.push(h('div', { class: 'handoff-summary', testid: 'handoff-summary' },
      h('strong', {}, 'Handed over at ' + clock(I.handoff.created_at)),
      h('pre', { class: 'summary-text' }, I.handoff.body || '')));
  }
  const cur = I.state.current;
  const row = h('p', { class: 'verify-row' });
  if (cur) {
    row.append(h('span', { class: 'badge ok', testid: 'verification-badge', title: cur.level + ' level' },
      verifiedWords(cur)), h('span', { class: 'small muted' }, ' · holds until ' + clock(cur.valid_until) + ' · do not ask again'));
  } else {
    row.append(h('span', { class: 'badge muted-badge', testid: 'verification-badge' },
      I.state.items.length ? 'Verification expired at ' + clock(I.state.items[0].valid_until) : 'Not verified on this case'));
  }
  row.append(' ', h('button', { type: 'button', class: 'small', testid: 'verify-open', onclick: openVerify },
    cur ? 'Verify again…' : 'Verify…'));
  kids.push(row);
  const e = I.effort;
  if (e && (e.repeat_questions || e.reverifications)) {
    const parts = [];
    if (e.repeat_questions) parts.push('asked again for something we knew ' + e.repeat_questions + '×');
    if (e.reverifications) parts.push('verified again ' + e.reverifications + '×');
    kids.push(h('p', { class: 'effort small', testid: 'effort' }, 'Customer effort: ' + parts.join(', ')));
  }
  box.replaceChildren(...kids);
  box.hidden = false;
}

/* ---------- verifying ---------- */

function openVerify() {
  const f = $('verify-form');
  const held = I.state && I.state.current;
  $('verify-reason-wrap').hidden = !held;
  $('verify-held').textContent = held
    ? 'Already ' + verifiedWords(held).toLowerCase() + '. Asking again makes the customer repeat it: pick why.'
    : '';
  $('verify-held').hidden = !held;
  const reason = $('verify-reason');
  reason.replaceChildren(h('option', { value: '' }, '— why ask again? —'),
    ...(I.state ? I.state.reasons : []).map((r) => h('option', { value: r }, REASON_WORDS[r] || r)));
  $('verify-error').hidden = true;
  $('verify-dialog').showModal();
  $('verify-method').focus();
  f.dataset.caseId = String(I.caseId);
}

async function submitVerify(ev) {
  ev.preventDefault();
  const id = Number($('verify-form').dataset.caseId);
  const body = { method: $('verify-method').value };
  const detail = $('verify-detail').value.trim(), via = $('verify-via').value.trim();
  if (detail) body.detail = detail;
  if (via) body.via = via;
  if (!$('verify-reason-wrap').hidden) {
    if (!$('verify-reason').value) return fail('Pick why the customer must verify again.');
    body.reason = $('verify-reason').value;
  }
  try {
    await api('POST', '/cases/' + id + '/verifications', body);
    $('verify-dialog').close();
    notice('Verification recorded.');
    load();
  } catch (e) {
    fail(e.message);
  }
  function fail(msg) {
    $('verify-error').textContent = msg;
    $('verify-error').hidden = false;
  }
}

/* ---------- handing over ---------- */

async function draft() {
  return (await api('GET', '/cases/' + I.caseId + '/handoff-draft')).summary;
}

async function openHandover() {
  const ag = $('handover-agent'), qu = $('handover-queue');
  $('handover-error').hidden = true;
  try {
    /* supervisors read every agent; agents know the ones the live queue shows */
    const [agents, queues, text] = await Promise.all([
      api('GET', '/agents').then((r) => r.items).catch(() => C.agents()), api('GET', '/queues'), draft()]);
    const me = C.me();
    ag.replaceChildren(h('option', { value: '' }, '— keep the owner —'),
      ...agents.filter((a) => !me || a.id !== me.id).map((a) => h('option', { value: a.id }, a.name)));
    qu.replaceChildren(h('option', { value: '' }, '— keep the queue —'),
      ...queues.items.map((q) => h('option', { value: q.name }, q.name)));
    $('handover-summary').value = text;
    $('handover-dialog').showModal();
    ag.focus();
  } catch (e) {
    notice('Could not prepare the handover: ' + e.message, 'error');
  }
}

async function submitHandover(ev) {
  ev.preventDefault();
  const body = { summary: $('handover-summary').value };
  const to = Number($('handover-agent').value), queue = $('handover-queue').value;
  if (to) body.to_agent_id = to;
  if (queue) body.queue = queue;
  try {
    await api('POST', '/cases/' + I.caseId + '/handoffs', body);
    $('handover-dialog').close();
    notice('Handed over with your summary.');
    load();
  } catch (e) {
    $('handover-error').textContent = e.message;
    $('handover-error').hidden = false;
  }
}

/* prefillTransfer - a chat transfer's note starts from the draft (the
 * dialog allows 2,000 characters). */
async function prefillTransfer() {
  if (!I.caseId) return;
  try {
    const text = await draft();
    const note = $('transfer-note');
    if (note.value.trim()) return;
    note.value = text.length > 2000 ? text.slice(0, 1997) + '...' : text;
    note.dispatchEvent(new Event('input'));
  } catch (e) { /* the agent writes the note */ }
}

/* ---------- hooks ---------- */

function show(caseId) {
  I.caseId = caseId || 0;
  I.state = I.effort = I.handoff = null;
  $('handover-box').hidden = !I.caseId;
  render();
  load();
}

function onEvent(ev, caseId) {
  if (I.caseId && (ev.case_id || caseId) === I.caseId &&
      ['verification', 'effort', 'handoff', 'assignment'].includes(ev.type)) reloadSoon();
}

function wire() {
  $('verify-form').addEventListener('submit', submitVerify);
  $('verify-cancel').addEventListener('click', () => $('verify-dialog').close());
  $('handover').addEventListener('click', openHandover);
  $('handover-form').addEventListener('submit', submitHandover);
  $('handover-cancel').addEventListener('click', () => $('handover-dialog').close());
  $('transfer').addEventListener('click', () => setTimeout(prefillTransfer, 0));
  C.on('show', show);
  C.on('stop', () => show(0));
  C.on('event', onEvent);
}

wire();

})();
