/*
 * commitments.js - what we owe the customer on the case shown in the
 * console, and what heed warns us about:
 *
 *   - promises (callback, reply, fix, update): the time offered comes from
 *     the queue's history (GET /promises/proposal); promising less needs a
 *     knowing "Promise it anyway"; pending ones can be cancelled with a
 *     reason or given more time;
 *   - "Log a call" (a call event keeps a callback promise);
 *   - the SLA clocks of the case, as small badges over the conversation;
 *   - the next-action date and the plan (the customer reads the plan on
 *     the status page);
 *   - the customer's status-page link: make, copy, replace, turn off;
 *   - the alerts list in the header (promises at risk or broken, SLA
 *     breaches, quiet cases), polled every 20 s; "Done" acknowledges.
 *
 * Everything comes from the REST API with the session cookie; the case
 * panel is read again after each action, on the case's live events that
 * touch it, and every 20 s.  Data goes into the page as text only.
 * It plugs into console.js through window.heedConsole.
 */
'use strict';
(function () {

const C = window.heedConsole;
if (!C) return;
const { h, api, notice, clock } = C;
const $ = (id) => document.getElementById(id);

const POLL_MS = 20000;
const KIND = {
  callback: { verb: 'Call back', plural: 'callbacks' },
  reply: { verb: 'Reply', plural: 'replies' },
  fix: { verb: 'Fix', plural: 'fixes' },
  update: { verb: 'Send an update', plural: 'updates' },
};
const METRIC = { first_response: 'First response', next_response: 'Next response', resolution: 'Resolution' };
const ALERT_WORDS = {
  promise_warning: 'Promise due soon', promise_broken: 'Promise broken',
  sla_breached: 'SLA breached', case_stale: 'Quiet case',
};

const P = {
  on: false,
  caseId: 0, seq: 0,
  kase: null, promises: [], sla: [],
  proposal: null, dueEdited: false,
  editing: new Map(),      // promise id -> 'cancel' | 'revise'
  planDirty: false,
  statusUrl: null,
  alerts: [], alertsSeen: null, alertsBusy: false,
  pollTimer: 0, reloadTimer: 0,
};

/* ---------- times ---------- */

/* toLocalInput - an RFC 3339 time (or ms) as a datetime-local value. */
function toLocalInput(t) {
  const d = new Date(t);
  if (t === null || t === undefined || t === '' || isNaN(d)) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/* fromLocalInput - a datetime-local value as RFC 3339 UTC; null if empty. */
function fromLocalInput(v) {
  if (!v) return null;
  const d = new Date(v);
  return isNaN(d) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* span - minutes in words: "45 min", "2 h", "1 h 30 min", "3 days". */
function span(min) {
  min = Math.max(0, Math.round(min));
  if (min >= 2880 && min % 1440 === 0) return min / 1440 + ' days';
  if (min < 60) return min + ' min';
  const hrs = Math.floor(min / 60), m = min % 60;
  return hrs + ' h' + (m ? ' ' + m + ' min' : '');
}

/* fromNow - "in 1 h 55 min" or "12 min late". */
function fromNow(t) {
  const ms = Date.parse(t) - Date.now();
  if (isNaN(ms)) return '';
  const min = Math.round(Math.abs(ms) / 60000);
  return ms >= 0 ? 'in ' + span(min) : span(min) + ' late';
}

/* ---------- the case panel ---------- */

function show(caseId) {
  P.caseId = caseId;
  P.seq++;
  P.kase = null; P.promises = []; P.sla = []; P.statusUrl = null;
  P.proposal = null; P.dueEdited = false; P.editing.clear(); P.planDirty = false;
  clearTimeout(P.reloadTimer);
  closePromiseForm();
  $('call-summary').value = '';
  $('plan-input').value = '';
  $('next-action-at').value = '';
  $('case-tools').hidden = !caseId;
  $('sla').hidden = true;
  $('sla').replaceChildren();
  $('promises').replaceChildren();
  renderStatusLink();
  if (caseId) load();
}

/* load - the case, its promises and its SLA clocks, read together; a reply
 * for a case no longer shown is dropped. */
async function load() {
  const id = P.caseId, seq = ++P.seq;
  if (!id) return;
  const base = '/cases/' + encodeURIComponent(id);
  const [k, pr, sla] = await Promise.allSettled([api('GET', base), api('GET', base + '/promises'), api('GET', base + '/sla')]);
  if (seq !== P.seq || id !== P.caseId) return;
  if (k.status === 'fulfilled' && k.value) {
    P.kase = k.value;
    P.statusUrl = P.kase.status_url || null;
    renderPlan();
    renderStatusLink();
  }
  if (pr.status === 'fulfilled') {
    P.promises = (pr.value && pr.value.items) || [];
    if (!P.editing.size) renderPromises();   /* never under the agent's typing */
  } else {
    renderPromises(pr.reason);
  }
  if (sla.status === 'fulfilled') P.sla = (sla.value && sla.value.items) || [];
  renderSla();
}

function reloadSoon(ms = 250) {
  clearTimeout(P.reloadTimer);
  P.reloadTimer = setTimeout(load, ms);
}

/* ---------- promises ---------- */

function promiseOrder(a, b) {
  const pa = a.state === 'pending', pb = b.state === 'pending';
  if (pa !== pb) return pa ? -1 : 1;
  if (pa) return Date.parse(a.revised_due_at || a.due_at) - Date.parse(b.revised_due_at || b.due_at);
  return b.id - a.id;
}

function renderPromises(err) {
  const list = $('promises');
  const a = document.activeElement;
  const keep = a && list.contains(a) ? [a.closest('[data-promise-id]') && a.closest('[data-promise-id]').dataset.promiseId, a.dataset.testid] : null;
  const items = [...P.promises].sort(promiseOrder);
  const done = items.filter((p) => p.state !== 'pending');
  const shown = items.filter((p) => p.state === 'pending').concat(done.slice(0, 5));
  list.replaceChildren(...shown.map(promiseItem));
  if (err) list.append(h('li', { class: 'none muted' }, 'Promises could not be loaded: ' + err.message));
  else if (!items.length) list.append(h('li', { class: 'none muted' }, 'No promises on this case.'));
  else if (done.length > 5) list.append(h('li', { class: 'none muted small' }, (done.length - 5) + ' older not shown.'));
  if (keep && keep[0]) {
    const el = list.querySelector(`[data-promise-id="${CSS.escape(keep[0])}"] [data-testid="${CSS.escape(keep[1] || '')}"]`);
    if (el) el.focus();
  }
}

function promiseItem(p) {
  const kind = KIND[p.kind] ? KIND[p.kind].verb : String(p.kind || 'Promise');
  const due = p.revised_due_at || p.due_at;
  const pending = p.state === 'pending';
  const late = pending && Date.parse(due) < Date.now();
  const li = h('li', { class: 'item promise state-' + p.state + (late ? ' late' : ''), testid: 'promise',
    'data-promise-id': p.id, 'data-state': p.state, 'data-kind': p.kind },
    h('div', { class: 'row' },
      h('strong', {}, kind),
      h('span', { class: 'spacer' }),
      h('span', { class: 'badge state ' + p.state, testid: 'promise-state' }, p.state)),
    h('div', { class: 'small' },
      pending ? 'due ' : 'was due ',
      h('time', { datetime: due }, clock(due)),
      pending ? h('span', { class: late ? 'late-text' : 'muted' }, ' (' + fromNow(due) + ')') : null,
      p.revised_due_at ? h('span', { class: 'muted' }, ' · first said ' + clock(p.due_at)) : null),
    h('div', { class: 'small muted' },
      [p.channel ? 'by ' + String(p.channel).replace(/_/g, ' ') : '',
        p.made_by && p.made_by.kind === 'system' ? 'made by heed' : '',
        p.short_confirmed ? 'shorter than history, confirmed' : '',
        p.replaces_id ? 'follows #' + p.replaces_id : '',
        p.closed_at ? p.state + ' ' + clock(p.closed_at) : ''].filter(Boolean).join(' · ')),
    p.reason ? h('div', { class: 'small muted' }, 'Reason: ' + p.reason) : null);
  if (!pending) return li;
  const mode = P.editing.get(p.id);
  if (!mode) {
    li.append(h('div', { class: 'row actions' },
      h('button', { type: 'button', class: 'small', testid: 'promise-revise', onclick: () => edit(p.id, 'revise') }, 'Need more time'),
      h('button', { type: 'button', class: 'small', testid: 'promise-cancel', onclick: () => edit(p.id, 'cancel') }, 'Cancel…')));
  } else if (mode === 'cancel') {
    li.append(cancelForm(p));
  } else {
    li.append(reviseForm(p));
  }
  return li;
}

function edit(id, mode) {
  if (mode) P.editing.set(id, mode); else P.editing.delete(id);
  renderPromises();
  const sel = mode === 'cancel' ? 'promise-reason' : mode === 'revise' ? 'promise-revise-due' : 'promise-' + (mode || 'revise');
  const el = $('promises').querySelector(`[data-promise-id="${id}"] [data-testid="${sel}"]`);
  if (el) el.focus();
}

function cancelForm(p) {
  const err = h('p', { class: 'form-error small', role: 'alert', testid: 'promise-edit-error', hidden: true });
  const reason = h('input', { type: 'text', maxlength: 500, testid: 'promise-reason', id: 'pr-reason-' + p.id, required: true });
  const form = h('form', { class: 'panel-form inline-edit', novalidate: true },
    h('label', { for: 'pr-reason-' + p.id, class: 'small' }, 'Why does it no longer apply? (the customer sees it)'),
    reason, err,
    h('div', { class: 'dialog-row' },
      h('button', { type: 'button', class: 'small', onclick: () => edit(p.id, null) }, 'Back'),
      h('button', { type: 'submit', class: 'small primary', testid: 'promise-cancel-confirm' }, 'Cancel promise')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const r = reason.value.trim();
    if (!r) { err.textContent = 'Give a reason.'; err.hidden = false; return; }
    act(form, err, 'POST', '/promises/' + p.id + '/cancel', { reason: r }, 'Promise cancelled.', () => P.editing.delete(p.id));
  });
  return form;
}

function reviseForm(p) {
  const cur = Date.parse(p.revised_due_at || p.due_at);
  const err = h('p', { class: 'form-error small', role: 'alert', testid: 'promise-edit-error', hidden: true });
  const due = h('input', { type: 'datetime-local', testid: 'promise-revise-due', id: 'pr-due-' + p.id,
    value: toLocalInput(Math.max(cur, Date.now()) + 3600000) });
  const reason = h('input', { type: 'text', maxlength: 500, testid: 'promise-revise-reason', id: 'pr-why-' + p.id });
  const form = h('form', { class: 'panel-form inline-edit', novalidate: true },
    h('label', { for: 'pr-due-' + p.id, class: 'small' }, 'New time'), due,
    h('label', { for: 'pr-why-' + p.id, class: 'small' }, 'Why (the customer is told now)'), reason, err,
    h('div', { class: 'dialog-row' },
      h('button', { type: 'button', class: 'small', onclick: () => edit(p.id, null) }, 'Back'),
      h('button', { type: 'submit', class: 'small primary', testid: 'promise-revise-confirm' }, 'Tell the customer')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const at = fromLocalInput(due.value), r = reason.value.trim();
    if (!at) { err.textContent = 'Choose the new time.'; err.hidden = false; return; }
    if (!r) { err.textContent = 'Give a reason.'; err.hidden = false; return; }
    act(form, err, 'POST', '/promises/' + p.id + '/revise', { due_at: at, reason: r }, 'New time sent to the customer.', () => P.editing.delete(p.id));
  });
  return form;
}

/* act - one write from a small form: buttons off meanwhile, the error
 * message under the form, the panel read again after. */
async function act(form, err, method, path, body, okText, onOk) {
  const buttons = form ? [...form.querySelectorAll('button')] : [];
  buttons.forEach((b) => { b.disabled = true; });
  if (err) err.hidden = true;
  try {
    const r = await api(method, path, body);
    if (onOk) onOk(r);
    if (okText) notice(okText);
    reloadSoon(0);
    return r;
  } catch (e) {
    if (err) { err.textContent = e.message; err.hidden = false; } else notice(e.message, 'error');
    return null;
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

/* ---------- a new promise ---------- */

function openPromiseForm() {
  const form = $('promise-form');
  if (!form.hidden) { closePromiseForm(); return; }
  form.hidden = false;
  $('promise-new').setAttribute('aria-expanded', 'true');
  $('promise-kind').focus();
}

function closePromiseForm() {
  $('promise-form').hidden = true;
  $('promise-new').setAttribute('aria-expanded', 'false');
  $('promise-kind').value = '';
  $('promise-due').value = '';
  $('promise-channel').value = '';
  $('promise-proposal').textContent = '';
  $('promise-error').hidden = true;
  $('promise-confirm-wrap').hidden = true;
  $('promise-confirm-short').checked = false;
  P.proposal = null;
  P.dueEdited = false;
}

/* onKind - ask what history says for this kind on this case's queue, and
 * offer exactly that. */
async function onKind() {
  const kind = $('promise-kind').value;
  const caseId = P.caseId;
  P.proposal = null;
  P.dueEdited = false;
  $('promise-confirm-wrap').hidden = true;
  $('promise-confirm-short').checked = false;
  $('promise-error').hidden = true;
  const out = $('promise-proposal');
  if (!kind) { out.textContent = ''; return; }
  out.textContent = 'Looking at history…';
  try {
    const r = await api('GET', '/promises/proposal?case_id=' + encodeURIComponent(caseId) + '&kind=' + encodeURIComponent(kind));
    if (caseId !== P.caseId || kind !== $('promise-kind').value) return;
    P.proposal = r;
    const minutes = Number(r.minutes) || 0;
    const due = r.due_at ? Date.parse(r.due_at) : Date.now() + minutes * 60000;
    /* a datetime-local holds minutes: round up, never offer less */
    $('promise-due').value = toLocalInput(Math.ceil(due / 60000) * 60000);
    const what = KIND[kind] ? KIND[kind].plural : kind;
    const where = r.queue ? ' in the ' + r.queue + ' queue' : ' in this queue';
    out.textContent = r.basis === 'history'
      ? `History: 80% of ${what}${where} were kept within ${span(minutes)} (${r.samples} kept).`
      : `Default until there is enough history: ${span(minutes)}` + (r.samples ? ` (${r.samples} kept so far).` : '.');
  } catch (e) {
    if (caseId !== P.caseId) return;
    out.textContent = 'No proposal: ' + e.message + '. Choose the time yourself.';
  }
}

async function submitPromise(e) {
  e.preventDefault();
  const kind = $('promise-kind').value;
  const err = $('promise-error');
  err.hidden = true;
  if (!kind) { err.textContent = 'Choose what you promise.'; err.hidden = false; return; }
  const body = { kind };
  const pr = P.proposal;
  if (pr && pr.kind === kind && !P.dueEdited && pr.minutes) {
    body.in_minutes = Number(pr.minutes);   /* exactly what history says, from now */
  } else {
    const at = fromLocalInput($('promise-due').value);
    if (!at) { err.textContent = 'Choose by when.'; err.hidden = false; return; }
    body.due_at = at;
  }
  if ($('promise-channel').value) body.channel = $('promise-channel').value;
  body.confirm_short = !$('promise-confirm-wrap').hidden && $('promise-confirm-short').checked;
  const btn = $('promise-submit');
  btn.disabled = true;
  const caseId = P.caseId;
  try {
    await api('POST', '/cases/' + encodeURIComponent(caseId) + '/promises', body);
    if (caseId !== P.caseId) return;
    closePromiseForm();
    notice('Promise made. The customer is told.');
    reloadSoon(0);
  } catch (x) {
    err.textContent = x.message;
    err.hidden = false;
    if (x.reason === 'shorter_than_estimate') {
      $('promise-confirm-wrap').hidden = false;
      $('promise-confirm-short').focus();
    }
  } finally {
    btn.disabled = false;
  }
}

/* ---------- log a call ---------- */

async function logCall(e) {
  e.preventDefault();
  const box = $('call-summary');
  const body = box.value.trim();
  if (!body) { notice('Write what was said on the call.', 'error'); box.focus(); return; }
  const r = await act($('call-form'), null, 'POST', '/cases/' + encodeURIComponent(P.caseId) + '/events', { type: 'call', body }, 'Call logged.');
  if (r) box.value = '';
}

/* ---------- SLA ---------- */

function renderSla() {
  const box = $('sla');
  const items = P.sla || [];
  box.replaceChildren(...items.map((c) => {
    const name = METRIC[c.metric] || String(c.metric).replace(/_/g, ' ');
    let text = name + ': ';
    if (c.state === 'running') text += 'due ' + clock(c.due_at);
    else if (c.state === 'paused') text += 'paused';
    else if (c.state === 'met') text += 'met' + (c.met_at ? ' ' + clock(c.met_at) : '');
    else if (c.state === 'breached') text += 'breached' + (c.breached_at ? ' ' + clock(c.breached_at) : '');
    else text += c.state;
    const late = c.state === 'running' && Date.parse(c.due_at) < Date.now();
    const title = [c.policy ? 'policy ' + c.policy : '',
      c.target_minutes !== undefined ? 'target ' + span(c.target_minutes) + ' business time' : '',
      c.used_minutes !== undefined ? span(c.used_minutes) + ' used' : ''].filter(Boolean).join(', ');
    return h('span', { class: 'badge sla-' + c.state + (late ? ' sla-late' : ''), testid: 'sla-badge',
      'data-metric': c.metric, 'data-state': c.state, title: title || null }, text);
  }));
  box.hidden = !items.length;
}

/* ---------- next action and plan ---------- */

function renderPlan() {
  if (P.planDirty || !P.kase) return;
  $('next-action-at').value = toLocalInput(P.kase.next_action_at);
  $('plan-input').value = P.kase.plan || '';
}

async function savePlan(e) {
  e.preventDefault();
  if (!P.kase) return;
  const body = {};
  const at = fromLocalInput($('next-action-at').value);
  const was = P.kase.next_action_at ? fromLocalInput(toLocalInput(P.kase.next_action_at)) : null;
  if (at !== was) body.next_action_at = at;
  const plan = $('plan-input').value.trim();
  if (plan !== (P.kase.plan || '')) body.plan = plan;
  if (!Object.keys(body).length) { notice('Nothing changed.'); return; }
  const r = await act($('plan-form'), null, 'PATCH', '/cases/' + encodeURIComponent(P.caseId), body, 'Saved.');
  if (r) { P.planDirty = false; P.kase = r; renderPlan(); }
}

/* ---------- the status-page link ---------- */

function renderStatusLink() {
  const url = P.statusUrl;
  $('status-link-show').hidden = !url;
  $('status-link-url').value = url || '';
  $('status-link-rotate').hidden = !url;
  $('status-link-off').hidden = !url;
  $('status-link').textContent = url ? 'Copy the link' : "Customer's status page";
}

async function statusLink(rotate) {
  const caseId = P.caseId;
  try {
    const r = await api('POST', '/cases/' + encodeURIComponent(caseId) + '/status-link', rotate ? { rotate: true } : {});
    if (caseId !== P.caseId) return;
    P.statusUrl = (r && r.url) || null;
    renderStatusLink();
    if (rotate) notice('New link made: the old one no longer works.');
    else copyLink(true);
  } catch (e) {
    notice('Status page link: ' + e.message, 'error');
  }
}

async function statusLinkOff() {
  const caseId = P.caseId;
  try {
    await api('DELETE', '/cases/' + encodeURIComponent(caseId) + '/status-link');
    if (caseId !== P.caseId) return;
    P.statusUrl = null;
    renderStatusLink();
    notice('The status page link is turned off.');
  } catch (e) {
    notice('Status page link: ' + e.message, 'error');
  }
}

async function copyLink(quiet) {
  const input = $('status-link-url');
  if (!input.value) return;
  input.focus();
  input.select();
  let ok = false;
  try { await navigator.clipboard.writeText(input.value); ok = true; } catch (e) {
    try { ok = document.execCommand('copy'); } catch (x) { ok = false; }
  }
  if (ok) notice('Link copied. Send it to the customer.');
  else if (!quiet) notice('Copy the selected link by hand (Ctrl+C).');
}

/* ---------- alerts ---------- */

async function loadAlerts() {
  if (!P.on || P.alertsBusy) return;
  P.alertsBusy = true;
  try {
    const r = await api('GET', '/alerts?open=true');
    const items = ((r && r.items) || []).filter((a) => !a.ack_at);
    if (P.alertsSeen) {
      const fresh = items.filter((a) => !P.alertsSeen.has(a.id));
      if (fresh.length === 1) notice('Alert: ' + (fresh[0].body || ALERT_WORDS[fresh[0].kind] || fresh[0].kind), 'warn');
      else if (fresh.length > 1) notice(fresh.length + ' new alerts.', 'warn');
    }
    P.alertsSeen = new Set(items.map((a) => a.id));
    P.alerts = items;
    renderAlerts();
  } catch (e) {
    /* shown as it was; tried again at the next poll */
  } finally {
    P.alertsBusy = false;
  }
}

function renderAlerts() {
  const n = P.alerts.length;
  const count = $('alerts-count');
  count.textContent = String(n);
  count.classList.toggle('hot', n > 0);
  $('alerts-toggle').setAttribute('aria-label', 'Alerts: ' + n + ' open');
  const list = $('alerts-list');
  list.replaceChildren(...P.alerts.map((a) => h('li', { class: 'item alert kind-' + a.kind, testid: 'alert',
    'data-alert-id': a.id, 'data-case-id': a.case_id, 'data-kind': a.kind },
    h('div', { class: 'row' },
      h('strong', {}, ALERT_WORDS[a.kind] || String(a.kind).replace(/_/g, ' ')),
      a.to === 'supervisors' ? h('span', { class: 'badge' }, 'supervisors') : null,
      C.me() && a.to === C.me().id ? h('span', { class: 'badge' }, 'to you') : null,
      h('span', { class: 'spacer' }),
      h('time', { class: 'small muted', datetime: a.created_at }, clock(a.created_at))),
    a.body ? h('div', { class: 'small' }, a.body) : null,
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'link small', testid: 'alert-open', onclick: () => openAlert(a) }, 'Open case #' + a.case_id),
      h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'small', testid: 'alert-ack', onclick: (e) => ackAlert(a, e.currentTarget) }, 'Done')))));
  if (!n) list.append(h('li', { class: 'none muted' }, 'No open alerts.'));
}

function toggleAlerts(open) {
  const panel = $('alerts-panel');
  const show = typeof open === 'boolean' ? open : panel.hidden;
  panel.hidden = !show;
  $('alerts-toggle').setAttribute('aria-expanded', String(show));
  if (show) loadAlerts();
}

function openAlert(a) {
  toggleAlerts(false);
  C.open(a.case_id);
}

async function ackAlert(a, btn) {
  if (btn) btn.disabled = true;
  try {
    await api('POST', '/alerts/' + encodeURIComponent(a.id) + '/ack', {});
    P.alerts = P.alerts.filter((x) => x.id !== a.id);
    renderAlerts();
    loadAlerts();
  } catch (e) {
    if (btn) btn.disabled = false;
    notice('Could not mark the alert done: ' + e.message, 'error');
  }
}

/* ---------- start, stop, live events ---------- */

function start() {
  if (P.on) return;
  P.on = true;
  P.alertsSeen = null;
  loadAlerts();
  clearInterval(P.pollTimer);
  P.pollTimer = setInterval(() => {
    loadAlerts();
    if (P.caseId) load();
  }, POLL_MS);
}

function stop() {
  P.on = false;
  clearInterval(P.pollTimer);
  P.alerts = [];
  P.alertsSeen = null;
  renderAlerts();
  toggleAlerts(false);
  show(0);
}

/* onEvent - a live event on the shown case that may change the panel. */
function onEvent(ev, caseId) {
  if (!P.caseId || (ev.case_id || caseId) !== P.caseId) return;
  if (/^(promise_|followup_|sla_)/.test(ev.type) || ['call', 'status_change', 'message', 'chat_ended'].includes(ev.type)) reloadSoon();
}

function wire() {
  $('promise-new').addEventListener('click', openPromiseForm);
  $('promise-form-cancel').addEventListener('click', closePromiseForm);
  $('promise-kind').addEventListener('change', onKind);
  $('promise-due').addEventListener('input', () => {
    P.dueEdited = true;
    $('promise-confirm-wrap').hidden = true;
    $('promise-confirm-short').checked = false;
  });
  $('promise-form').addEventListener('submit', submitPromise);
  $('call-form').addEventListener('submit', logCall);
  $('plan-form').addEventListener('submit', savePlan);
  $('plan-input').addEventListener('input', () => { P.planDirty = true; });
  $('next-action-at').addEventListener('input', () => { P.planDirty = true; });
  $('status-link').addEventListener('click', () => (P.statusUrl ? copyLink(false) : statusLink(false)));
  $('status-link-copy').addEventListener('click', () => copyLink(false));
  $('status-link-rotate').addEventListener('click', () => statusLink(true));
  $('status-link-off').addEventListener('click', statusLinkOff);
  $('alerts-toggle').addEventListener('click', () => toggleAlerts());
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !$('alerts-panel').hidden) toggleAlerts(false); });
  C.on('start', start);
  C.on('stop', stop);
  C.on('show', show);
  C.on('event', onEvent);
  renderAlerts();
  if (C.me()) start();
}

wire();

})();
