/*
 * actions.js - resolution powers in the console (docs/actions.md):
 *
 *   - the "Actions" panel of the case shown: credit, waive a fee, send a
 *     replacement, extend the subscription - with the reason; it says up
 *     front what the agent may still do on this case ("up to 15.00 EUR
 *     more") and, when the amount is above it, "needs a supervisor's
 *     approval" (the button then asks instead of doing);
 *   - the case's actions with their state: done, waiting for approval (and
 *     why), declined (and the supervisor's note), sending to the company
 *     system and, when it did not acknowledge, its last error and the next
 *     try;
 *   - for supervisors and admins, the "Approvals" list: approve, or decline
 *     with a note (required), without leaving the case they are on.
 *
 * Everything comes from the REST API with the session cookie; the panel is
 * read again after each action, on the case's live action_* events and
 * every 10 s; approvals every 10 s.  Data goes into the page as text only
 * (the h() helper).  It plugs into console.js through window.heedConsole.
 */
'use strict';
(function () {

const C = window.heedConsole;
if (!C) return;
const { h, api, notice, clock } = C;
const $ = (id) => document.getElementById(id);

const POLL_MS = 10000;
const KINDS = {
  credit: { verb: 'Credit', noun: 'Credit' },
  waive_fee: { verb: 'Waive the fee', noun: 'Fee waived' },
  replacement: { verb: 'Send it', noun: 'Replacement' },
  extend_subscription: { verb: 'Extend it', noun: 'Extension' },
};
const STATE = {
  done: 'done', pending_approval: 'waiting for approval', sending: 'sending',
  declined: 'declined', cancelled: 'cancelled',
};
const OVER = { per_case: 'over the limit per case', per_month: 'over the limit per month', no_policy: 'no limit set for this role' };
const ZERO = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const THREE = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

const A = {
  on: false, caseId: 0, seq: 0,
  items: [], allowance: [],
  approvals: [], names: new Map(), deciding: new Map(),  // action id -> 'decline'
  pollTimer: 0, reloadTimer: 0, busy: false,
};

/* ---------- money ---------- */

function digits(cur) { return ZERO.has(cur) ? 0 : THREE.has(cur) ? 3 : 2; }

/* money - minor units as "10.00 EUR". */
function money(minor, cur) {
  const d = digits(cur);
  if (!d) return `${minor} ${cur}`;
  const s = String(Math.abs(minor)).padStart(d + 1, '0');
  return `${minor < 0 ? '-' : ''}${s.slice(0, -d)}.${s.slice(-d)} ${cur}`;
}

/* minorOf - "10.5" as minor units of cur (1050), or null when it is not a
 * plain positive decimal with at most the currency's digits. */
function minorOf(text, cur) {
  const d = digits(cur);
  const m = /^\s*(\d{1,13})(?:[.,](\d*))?\s*$/.exec(text || '');
  if (!m || (m[2] || '').length > d) return null;
  const v = Number(m[1]) * 10 ** d + Number(((m[2] || '') + '000').slice(0, d) || 0);
  return Number.isSafeInteger(v) && v > 0 ? v : null;
}

/* measure - what an action or allowance amount means for its kind. */
function measure(kind, n, cur) {
  if (kind === 'credit' || kind === 'waive_fee') return money(n, cur);
  if (kind === 'replacement') return `${n} item${n === 1 ? '' : 's'}`;
  return `${n} day${n === 1 ? '' : 's'}`;
}

function summary(a) {
  if (a.kind === 'credit') return `Credit ${money(a.amount, a.currency)}`;
  if (a.kind === 'waive_fee') return `Fee waived ${money(a.amount, a.currency)}`;
  if (a.kind === 'replacement') return `Replacement: ${a.quantity} x ${a.item}`;
  return `Subscription +${a.days} day${a.days === 1 ? '' : 's'}`;
}

function who(id) {
  const me = C.me();
  if (me && me.id === id) return 'you';
  return A.names.get(id) || `agent #${id}`;
}

/* ---------- the case's actions ---------- */

function show(caseId) {
  A.caseId = caseId;
  A.seq++;
  A.items = []; A.allowance = [];
  clearTimeout(A.reloadTimer);
  $('actions-list').replaceChildren();
  $('action-error').hidden = true;
  $('action-reason').value = ''; $('action-note').value = ''; $('action-amount').value = '';
  if (caseId) load();
}

async function load() {
  const id = A.caseId, seq = ++A.seq;
  if (!id) return;
  try {
    const r = await api('GET', `/cases/${encodeURIComponent(id)}/actions`);
    if (seq !== A.seq || id !== A.caseId) return;
    A.items = r.items || [];
    A.allowance = r.allowance || [];
    renderActions();
    renderAllowance();
  } catch (e) {
    if (seq === A.seq) $('actions-list').replaceChildren(h('li', { class: 'muted small' }, 'Actions could not be read: ' + e.message));
  }
}

function reloadSoon(ms = 200) {
  clearTimeout(A.reloadTimer);
  A.reloadTimer = setTimeout(load, ms);
}

function renderActions() {
  const ul = $('actions-list');
  if (!A.items.length) { ul.replaceChildren(h('li', { class: 'muted small' }, 'No actions on this case.')); return; }
  ul.replaceChildren(...A.items.slice().reverse().map((a) => {
    const d = a.delivery;
    let detail = null;
    if (a.state === 'pending_approval') detail = h('span', { class: 'why' }, `Waiting for a supervisor: ${OVER[a.over] || a.over}.`);
    else if (a.state === 'declined') detail = h('span', { class: 'why', testid: 'action-declined-note' }, `Declined by ${who(a.decided_by)}: ${a.decision_note || ''}`);
    if (d && d.state === 'pending' && d.last_error) {
      detail = h('span', { class: 'problem', testid: 'action-problem' },
        `The company system did not acknowledge: ${d.last_error} (attempt ${d.attempts}` +
        (d.next_attempt_at ? `, next try ${clock(d.next_attempt_at)})` : ')'));
    } else if (a.state === 'sending') {
      detail = h('span', { class: 'why' }, 'Telling the company system…');
    }
    return h('li', { class: 'action', testid: 'action', 'data-action-id': a.id, 'data-state': a.state },
      h('span', { class: 'line' }, summary(a), ' ',
        h('span', { class: 'badge action-' + a.state, testid: 'action-state' }, STATE[a.state] || a.state)),
      h('span', { class: 'why' }, `${who(a.requested_by)}, ${clock(a.created_at)} - why: ${a.reason}`),
      detail);
  }));
}

/* ---------- the form ---------- */

function allowanceOf(kind) { return A.allowance.find((x) => x.kind === kind) || null; }

function formKind() { return $('action-kind').value; }

/* formAmount - the measure the form asks for, or null when not valid yet. */
function formAmount() {
  const kind = formKind();
  if (kind === 'credit' || kind === 'waive_fee') return minorOf($('action-amount').value, formCurrency());
  const v = Number(kind === 'replacement' ? $('action-quantity').value : $('action-days').value);
  return Number.isInteger(v) && v > 0 ? v : null;
}

function formCurrency() { return ($('action-currency').value || '').trim().toUpperCase(); }

function renderAllowance() {
  const kind = formKind(), al = allowanceOf(kind), p = $('action-allowance');
  const isMoney = kind === 'credit' || kind === 'waive_fee';
  $('action-money').hidden = !isMoney;
  $('action-replacement').hidden = kind !== 'replacement';
  $('action-days-row').hidden = kind !== 'extend_subscription';
  if (isMoney && al && al.currency) {
    $('action-currency').value = al.currency;
    $('action-currency').readOnly = true;
  } else {
    $('action-currency').readOnly = false;
  }
  const amount = formAmount();
  let over = false, text;
  if (!al || !al.policy) {
    over = true;
    text = 'Needs a supervisor\'s approval: no limit is set for your role.';
  } else if (al.left === null) {
    text = 'No limit for your role.';
  } else if (al.left === 0) {
    over = true;
    text = 'Needs a supervisor\'s approval: nothing is left under your limits on this case.';
  } else {
    over = amount !== null && amount > al.left;
    const left = measure(kind, al.left, al.currency || formCurrency());
    text = over ? `Needs a supervisor's approval: above your limit (${left} left on this case).`
      : `You can do up to ${left} more on this case yourself.`;
  }
  p.textContent = text;
  p.classList.toggle('over', over);
  p.dataset.over = over ? 'true' : 'false';
  $('action-submit').textContent = over ? 'Ask for approval' : (KINDS[kind] ? KINDS[kind].verb : 'Do it') + ' now';
}

async function submitAction(e) {
  e.preventDefault();
  if (A.busy || !A.caseId) return;
  const kind = formKind(), err = $('action-error');
  const body = { kind, reason: $('action-reason').value.trim() };
  const note = $('action-note').value.trim();
  if (note) body.note = note;
  const amount = formAmount();
  const fail = (msg) => { err.textContent = msg; err.hidden = false; };
  err.hidden = true;
  if (kind === 'credit' || kind === 'waive_fee') {
    if (!/^[A-Z]{3}$/.test(formCurrency())) return fail('Give the currency, such as EUR.');
    if (amount === null) return fail(`Give the amount in ${formCurrency()}, such as 10.00.`);
    body.amount = amount; body.currency = formCurrency();
  } else if (kind === 'replacement') {
    const item = $('action-item').value.trim();
    if (!item) return fail('Say what is sent.');
    if (amount === null) return fail('Give how many.');
    body.item = item; body.quantity = amount;
  } else {
    if (amount === null) return fail('Give the number of days.');
    body.days = amount;
  }
  if (!body.reason) return fail('Say why: it is kept with the action.');
  A.busy = true;
  $('action-submit').disabled = true;
  try {
    const a = await api('POST', `/cases/${encodeURIComponent(A.caseId)}/actions`, body);
    notice(a.state === 'pending_approval' ? `${summary(a)}: asked a supervisor to approve.` : `${summary(a)}: ${STATE[a.state]}.`, 'info');
    $('action-reason').value = ''; $('action-note').value = ''; $('action-amount').value = '';
    $('action-item').value = ''; $('action-days').value = '';
  } catch (ex) {
    fail(ex.message);
  } finally {
    A.busy = false;
    $('action-submit').disabled = false;
    load();
  }
}

/* ---------- approvals (supervisors) ---------- */

function isSupervisor() { const me = C.me(); return !!me && (me.role === 'supervisor' || me.role === 'admin'); }

async function loadNames() {
  try {
    const r = await api('GET', '/agents');
    for (const a of r.items || []) A.names.set(a.id, a.name);
  } catch (e) { /* names are a nicety; ids stand in */ }
}

async function loadApprovals() {
  if (!isSupervisor()) return;
  try {
    const r = await api('GET', '/approvals?state=pending&limit=50');
    A.approvals = r.items || [];
    renderApprovals();
  } catch (e) { /* shown again at the next poll */ }
}

function renderApprovals() {
  const ul = $('approvals');
  $('approvals-count').textContent = String(A.approvals.length);
  if (!A.approvals.length) { ul.replaceChildren(h('li', { class: 'muted small' }, 'Nothing waiting.')); return; }
  ul.replaceChildren(...A.approvals.map((a) => {
    const declining = A.deciding.get(a.id) === 'decline';
    const note = h('input', { type: 'text', maxlength: 2000, testid: 'decline-note', 'aria-label': 'Why it is declined', placeholder: 'Why (the agent sees it)' });
    const row = declining
      ? h('div', { class: 'row' }, note,
        h('button', { type: 'button', class: 'small', testid: 'decline-confirm', onclick: () => decide(a, 'decline', note.value) }, 'Decline'),
        h('button', { type: 'button', class: 'small', onclick: () => { A.deciding.delete(a.id); renderApprovals(); } }, 'Back'))
      : h('div', { class: 'row' },
        h('button', { type: 'button', class: 'small primary', testid: 'approve', onclick: () => decide(a, 'approve') }, 'Approve'),
        h('button', { type: 'button', class: 'small', testid: 'decline', onclick: () => { A.deciding.set(a.id, 'decline'); renderApprovals(); } }, 'Decline…'),
        h('button', { type: 'button', class: 'small link', onclick: () => C.open(a.case_id) }, `Case #${a.case_id}`));
    const li = h('li', { class: 'approval', testid: 'approval', 'data-action-id': a.id },
      h('strong', {}, summary(a)),
      h('span', { class: 'why' }, `${who(a.requested_by)} on case #${a.case_id}: ${OVER[a.over] || a.over}`),
      h('span', { class: 'why' }, `Why: ${a.reason}`), row);
    if (declining) setTimeout(() => note.focus(), 0);
    return li;
  }));
}

async function decide(a, verb, noteText) {
  const body = {};
  if (noteText !== undefined) {
    if (!noteText.trim()) { notice('Say why it is declined.', 'error'); return; }
    body.note = noteText.trim();
  }
  try {
    await api('POST', `/actions/${a.id}/${verb}`, body);
    notice(`${summary(a)} on case #${a.case_id}: ${verb === 'approve' ? 'approved' : 'declined'}.`, 'info');
    A.deciding.delete(a.id);
  } catch (e) {
    notice(e.message, 'error');
  }
  loadApprovals();
  if (a.case_id === A.caseId) load();
}

/* ---------- life cycle ---------- */

function start() {
  if (A.on) return;
  A.on = true;
  $('approvals-section').hidden = !isSupervisor();
  if (isSupervisor()) { loadNames().then(() => { renderApprovals(); renderActions(); }); loadApprovals(); }
  A.pollTimer = setInterval(() => { if (A.caseId) load(); loadApprovals(); }, POLL_MS);
}

function stop() {
  A.on = false;
  clearInterval(A.pollTimer);
  $('approvals-section').hidden = true;
}

function onEvent(ev, caseId) {
  if (ev && typeof ev.type === 'string' && ev.type.startsWith('action_')) {
    if (caseId === A.caseId) reloadSoon();
    if (ev.type === 'action_requested') loadApprovals();
  }
}

function wire() {
  $('action-form').addEventListener('submit', submitAction);
  $('action-kind').addEventListener('change', renderAllowance);
  for (const id of ['action-amount', 'action-currency', 'action-quantity', 'action-days']) $(id).addEventListener('input', renderAllowance);
  C.on('start', start);
  C.on('stop', stop);
  C.on('show', show);
  C.on('event', onEvent);
  if (C.me()) start();
}

wire();

})();
