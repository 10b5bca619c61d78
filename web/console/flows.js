/*
 * flows.js - guided troubleshooting on the case shown in the console
 * (story 003: never make the customer redo what they already did):
 *
 *   - run a flow, or switch to another part way: the steps the case already
 *     knows are shown as known ("Power cycled: yes - said by the customer
 *     at 09:14") and never asked; the current step is asked with buttons
 *     for its answer type; an outcome says what to do next;
 *   - "Ask again" on a known step asks for confirmation, because it counts
 *     as customer effort;
 *   - supervisors edit flow definitions as JSON (each save is a new
 *     version; errors name the offending member).
 *
 * REST only (docs/openapi.yaml, tag flows); data goes into the page as
 * text.  It plugs into console.js through window.heedConsole.
 */
'use strict';
(function () {

const C = window.heedConsole;
if (!C) return;
const { h, api, notice, clock } = C;
const $ = (id) => document.getElementById(id);

const SOURCE_WORDS = { customer: 'said by the customer', agent: 'recorded by an agent', system: 'recorded by heed', channel: 'from the channel' };
const OUTCOME_WORDS = { resolved: 'Resolved', escalate: 'Escalate', replace_unit: 'Replace the unit' };

const F = { caseId: 0, flows: [], run: null, seq: 0, busy: false, reloadTimer: 0 };

function show(v) {
  if (v === true) return 'yes';
  if (v === false) return 'no';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/* ---------- reading ---------- */

async function loadFlows() {
  try {
    F.flows = (await api('GET', '/flows')).items;
  } catch (e) {
    F.flows = [];
  }
  renderPicker();
  renderEditorList();
}

async function load() {
  const id = F.caseId, seq = ++F.seq;
  if (!id) return;
  try {
    const r = await api('GET', '/cases/' + id + '/flow-runs');
    if (seq !== F.seq || id !== F.caseId) return;
    F.run = r.active || (r.items[0] && r.items[0].state === 'finished'
      ? await api('GET', '/flow-runs/' + r.items[0].id) : null);
    if (seq !== F.seq) return;
    render();
  } catch (e) {
    if (e.status !== 404 && seq === F.seq) notice('Could not load the guided flow: ' + e.message, 'error');
  }
}

function reloadSoon() {
  clearTimeout(F.reloadTimer);
  F.reloadTimer = setTimeout(load, 150);
}

/* ---------- drawing ---------- */

function renderPicker() {
  const sel = $('flow-pick');
  const keep = sel.value;
  sel.replaceChildren(h('option', { value: '' }, '— choose a guided flow —'),
    ...F.flows.map((f) => h('option', { value: f.key }, f.title)));
  sel.value = keep;
}

function knownItem(k) {
  return h('li', { class: 'known', testid: 'flow-known', 'data-step': k.step },
    h('span', { class: 'badge ok' }, 'Already known'), ' ',
    h('strong', {}, k.label + ': '), show(k.value),
    h('span', { class: 'small muted' }, ' - ' + (SOURCE_WORDS[k.source] || k.source) + ' at ' + clock(k.at) + ' '),
    F.run.state === 'active'
      ? h('button', { type: 'button', class: 'link small', testid: 'flow-ask-again', onclick: () => askAgain(k) }, 'Ask again…')
      : null);
}

function answerControls(step) {
  const send = (value) => answer(step.id, value, false);
  switch (step.answer) {
    case 'yes_no':
      return h('div', { class: 'row' },
        h('button', { type: 'button', testid: 'flow-answer-yes', onclick: () => send(true) }, 'Yes'),
        h('button', { type: 'button', testid: 'flow-answer-no', onclick: () => send(false) }, 'No'));
    case 'choice':
      return h('div', { class: 'row wrap' }, (step.options || []).map((o) =>
        h('button', { type: 'button', testid: 'flow-option', 'data-value': o, onclick: () => send(o) }, o)));
    default: {
      const input = h('input', { type: step.answer === 'number' ? 'number' : 'text', testid: 'flow-answer-input',
        'aria-label': step.label || 'Answer', maxlength: 500 });
      const form = h('form', { class: 'row', novalidate: true, onsubmit: (e) => {
        e.preventDefault();
        const raw = input.value.trim();
        if (!raw) return;
        send(step.answer === 'number' ? Number(raw) : raw);
      } }, input, h('button', { type: 'submit', testid: 'flow-answer-submit' }, 'Record'));
      return form;
    }
  }
}

function render() {
  const box = $('flow-run');
  const r = F.run;
  $('flow-start').textContent = r && r.state === 'active' ? 'Switch' : 'Run';
  if (!r) {
    box.replaceChildren(h('p', { class: 'small muted' }, 'No guided flow on this case yet.'));
    return;
  }
  const kids = [h('p', { class: 'flow-title' }, h('strong', { testid: 'flow-title' }, r.title),
    h('span', { class: 'small muted' }, ' · v' + r.version + ' · ' + r.state))];
  if (r.known.length) kids.push(h('ul', { class: 'list flow-known' }, r.known.map(knownItem)));
  if (r.current && r.state === 'active') {
    const c = r.current;
    kids.push(h('div', { class: 'flow-current', testid: 'flow-current', 'data-step': c.id },
      h('p', {}, h('span', { class: 'badge' }, c.type === 'action' ? 'Do' : 'Ask'), ' ', c.text),
      c.audience === 'customer' ? h('p', { class: 'small muted' }, 'The customer can answer this on their status page or in the chat.') : null,
      answerControls(c)));
  }
  if (r.end) {
    kids.push(h('p', { class: 'flow-outcome', testid: 'flow-outcome' },
      h('strong', {}, 'Outcome: ' + (OUTCOME_WORDS[r.end.outcome] || r.end.outcome)),
      r.end.text ? ' - ' + r.end.text : ''));
  }
  box.replaceChildren(...kids);
}

/* ---------- acting ---------- */

async function start() {
  const key = $('flow-pick').value;
  if (!key || !F.caseId || F.busy) return;
  F.busy = true;
  try {
    F.run = await api('POST', '/cases/' + F.caseId + '/flow-runs', { flow: key });
    render();
  } catch (e) {
    notice('Could not run the flow: ' + e.message, 'error');
  } finally {
    F.busy = false;
  }
}

async function answer(step, value, again) {
  if (!F.run || F.busy) return;
  F.busy = true;
  const body = { step, value };
  if (again) body.ask_again = true;
  try {
    F.run = await api('POST', '/flow-runs/' + F.run.id + '/answers', body);
    render();
  } catch (e) {
    notice(e.message, 'error');
    load();
  } finally {
    F.busy = false;
  }
}

function askAgain(k) {
  const d = $('ask-again-dialog');
  $('ask-again-text').textContent = 'The customer already told us "' + k.label + ': ' + show(k.value) + '" (' +
    (SOURCE_WORDS[k.source] || k.source) + ' at ' + clock(k.at) + '). Asking again counts as customer effort.';
  const step = F.run.known.find((x) => x.step === k.step);
  const ctl = $('ask-again-answer');
  ctl.value = typeof step.value === 'string' ? step.value : JSON.stringify(step.value);
  d.dataset.step = k.step;
  d.showModal();
}

function submitAskAgain(ev) {
  ev.preventDefault();
  const d = $('ask-again-dialog');
  let value = $('ask-again-answer').value.trim();
  try { value = JSON.parse(value); } catch (e) { /* plain text */ }
  d.close();
  answer(d.dataset.step, value, true);
}

/* ---------- editing (supervisors) ---------- */

function renderEditorList() {
  const me = C.me();
  const can = me && (me.role === 'supervisor' || me.role === 'admin');
  $('flow-editor-box').hidden = !can;
  if (!can) return;
  const sel = $('flow-edit-pick');
  const keep = sel.value;
  sel.replaceChildren(h('option', { value: '' }, '— new flow —'),
    ...F.flows.map((f) => h('option', { value: f.key }, f.key + ' (v' + f.version + ')')));
  sel.value = keep;
}

function pickToEdit() {
  const f = F.flows.find((x) => x.key === $('flow-edit-pick').value);
  $('flow-edit-key').value = f ? f.key : '';
  $('flow-edit-key').readOnly = !!f;
  $('flow-edit-doc').value = f ? JSON.stringify(f.definition, null, 2) : '';
  $('flow-edit-error').hidden = true;
}

async function saveFlow(ev) {
  ev.preventDefault();
  const key = $('flow-edit-key').value.trim(), err = $('flow-edit-error');
  let doc;
  err.hidden = true;
  try {
    doc = JSON.parse($('flow-edit-doc').value);
  } catch (e) {
    err.textContent = 'Not valid JSON: ' + e.message;
    err.hidden = false;
    return;
  }
  try {
    const f = await api('PUT', '/flows/' + encodeURIComponent(key), doc);
    notice('Saved ' + f.key + ' as version ' + f.version + '.');
    await loadFlows();
    $('flow-edit-pick').value = f.key;
    pickToEdit();
  } catch (e) {
    err.textContent = (e.info && e.info.field ? e.info.field + ': ' : '') + e.message;
    err.hidden = false;
  }
}

/* ---------- hooks ---------- */

function onShow(caseId) {
  F.caseId = caseId || 0;
  F.run = null;
  $('guided').hidden = !F.caseId;
  if (F.caseId) { render(); load(); }
}

function onEvent(ev, caseId) {
  if (F.caseId && (ev.case_id || caseId) === F.caseId &&
      (ev.type === 'fact' || ev.type.startsWith('flow_'))) reloadSoon();
}

function wire() {
  $('flow-start').addEventListener('click', start);
  $('ask-again-form').addEventListener('submit', submitAskAgain);
  $('ask-again-cancel').addEventListener('click', () => $('ask-again-dialog').close());
  $('flow-edit-pick').addEventListener('change', pickToEdit);
  $('flow-edit-form').addEventListener('submit', saveFlow);
  C.on('start', loadFlows);
  C.on('show', onShow);
  C.on('stop', () => onShow(0));
  C.on('event', onEvent);
  if (C.me()) loadFlows();
}

wire();

})();
