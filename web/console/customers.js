/*
 * customers.js - finding and fixing customer records in the console
 * (story 002: the agent "couldn't find my account", then found it with the
 * wrong name, and "the system won't let me change this"):
 *
 *   - one search box in the top bar: results as you type (debounced), any
 *     identifier in any format or a name with typos, each result with its
 *     identifiers and why it matched;
 *   - the customer panel: details; correct the name and identifiers with a
 *     reason (every change goes to the record's history, shown below);
 *     their cases (open one in the console); "Merge a duplicate into this
 *     record": search, pick, see what moves, confirm.
 *
 * Everything comes from the REST API (GET /customers?q=, GET/PATCH
 * /customers/{id}, GET /customers/{id}/history, POST /customers/{id}/merge,
 * GET /cases?customer_id=).  Data goes into the page as text only (h()).
 * It plugs into console.js through window.heedConsole.
 */
'use strict';
(function () {

const C = window.heedConsole;
if (!C) return;
const { h, api, notice, clock } = C;

const DEBOUNCE_MS = 250;
const KINDS = ['email', 'phone', 'account'];
const BY_WORDS = { email: 'email', phone: 'phone', account: 'account number', name: 'name' };
const FIELD_WORDS = {
  created: 'Record created', name: 'Name', email: 'Email', phone: 'Phone', account: 'Account number',
  merged_from: 'Merged in record', merged_into: 'Merged into record',
};

const U = {
  seq: 0,            // the newest search sent from the top bar
  timer: 0,
  cust: null,        // the customer shown in the panel
  mergeSeq: 0, mergeTimer: 0,
  pick: null,        // the duplicate picked for a merge, with its cases
};

/* ---------- small helpers ---------- */

function identText(i) { return `${BY_WORDS[i.kind] || i.kind}: ${i.display || i.value}`; }

function matchText(m) {
  if (!m) return '';
  const how = m.score >= 1 ? 'exact' : m.by === 'name' ? 'similar' : 'starts with';
  return `matched by ${BY_WORDS[m.by] || m.by} (${how}, ${Math.round(m.score * 100)}%)`;
}

function errText(e) { return e && e.message ? e.message : 'request failed'; }

/* debounced search: fn(items) with the newest answer only */
function searchLater(text, seqKey, timerKey, fn) {
  clearTimeout(U[timerKey]);
  const my = ++U[seqKey];
  if (!text.trim()) { fn([]); return; }
  U[timerKey] = setTimeout(async () => {
    try {
      const r = await api('GET', '/customers?limit=10&q=' + encodeURIComponent(text));
      if (my === U[seqKey]) fn(r.items);
    } catch (e) {
      if (my === U[seqKey]) notice('Search failed: ' + errText(e), 'error');
    }
  }, DEBOUNCE_MS);
}

function resultItem(c, testid, onPick) {
  return h('li', { class: 'cust-result', testid, 'data-customer-id': c.id },
    h('button', { type: 'button', class: 'cust-pick', onclick: () => onPick(c) },
      h('span', { class: 'cust-name', text: c.name || '(no name)' }),
      h('span', { class: 'muted small', text: ` #${c.id}` }),
      h('span', { class: 'cust-idents small', text: c.identifiers.map(identText).join(' · ') }),
      h('span', { class: 'cust-match small', testid: 'customer-match', text: matchText(c.match) })));
}

/* ---------- the top bar's search box ---------- */

function mountSearch() {
  const bar = document.querySelector('.topbar');
  const spacer = bar && bar.querySelector('.spacer');
  if (!bar) return;
  const list = h('ul', { id: 'customer-results', class: 'list cust-results', testid: 'customer-results', hidden: true });
  const input = h('input', {
    id: 'customer-search', testid: 'customer-search', type: 'search', autocomplete: 'off',
    placeholder: 'Find a customer: name, email, phone, account…', 'aria-label': 'Find a customer',
    'aria-controls': 'customer-results',
  });
  const wrap = h('div', { class: 'cust-search-wrap', role: 'search' }, input, list);
  input.addEventListener('input', () => searchLater(input.value, 'seq', 'timer', (items) => {
    list.dataset.q = input.value; /* which text these results are for */
    list.replaceChildren(...items.map((c) => resultItem(c, 'customer-result', (p) => {
      list.hidden = true;
      openPanel(p.id);
    })));
    if (!items.length && input.value.trim()) list.append(h('li', { class: 'muted small', testid: 'customer-none', text: 'No customer matches.' }));
    list.hidden = !input.value.trim();
  }));
  input.addEventListener('keydown', (e) => { if (e.key === 'Escape') { list.hidden = true; input.blur(); } });
  document.addEventListener('click', (e) => { if (!wrap.contains(e.target)) list.hidden = true; });
  bar.insertBefore(wrap, spacer || null);
}

/* ---------- the customer panel ---------- */

let dlg = null;

function mountPanel() {
  dlg = h('dialog', { id: 'customer-panel', class: 'cust-panel', testid: 'customer-panel', 'aria-labelledby': 'cust-h' });
  document.body.append(dlg);
}

async function openPanel(id) {
  try {
    const c = await api('GET', `/customers/${id}`);
    U.cust = c;
    U.pick = null;
    render();
    if (!dlg.open) dlg.showModal();
    loadHistory();
    loadCases();
  } catch (e) {
    notice('Could not open the customer: ' + errText(e), 'error');
  }
}

function identRow(i) {
  const kind = h('select', { class: 'ident-kind', testid: 'ident-kind', 'aria-label': 'Kind' },
    ...KINDS.map((k) => h('option', { value: k, text: BY_WORDS[k], selected: i.kind === k })));
  const value = h('input', { class: 'ident-value', testid: 'ident-value', 'aria-label': 'Value', value: i.display || i.value || '' });
  const row = h('li', { class: 'ident-row', testid: 'ident-row' }, kind, value,
    h('button', { type: 'button', class: 'small', testid: 'ident-remove', onclick: () => row.remove(), text: 'Remove' }));
  return row;
}

function render() {
  const c = U.cust;
  const idents = h('ul', { class: 'ident-rows', testid: 'ident-rows' }, ...c.identifiers.map(identRow));
  const name = h('input', { id: 'cust-name-input', testid: 'customer-name', value: c.name || '', maxlength: 200 });
  const reason = h('input', { id: 'cust-reason', testid: 'customer-reason', maxlength: 500,
    placeholder: 'e.g. the customer spelled it out on the phone' });
  const err = h('p', { class: 'form-error small', testid: 'customer-error', role: 'alert', hidden: true });
  const merged = !!c.merged_into;
  const form = h('form', { class: 'panel-form', testid: 'customer-form', novalidate: true },
    h('label', { for: 'cust-name-input', text: 'Name' }), name,
    h('span', { class: 'label', text: 'Identifiers' }), idents,
    h('button', { type: 'button', class: 'small', testid: 'ident-add', text: 'Add identifier',
      onclick: () => idents.append(identRow({ kind: 'email', value: '' })) }),
    h('label', { for: 'cust-reason', text: 'Reason for the change (kept in the history)' }), reason, err,
    h('div', { class: 'dialog-row' },
      h('button', { type: 'submit', class: 'primary', testid: 'customer-save', disabled: merged, text: 'Save changes' })));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    err.hidden = true;
    const body = {
      name: name.value,
      identifiers: [...idents.querySelectorAll('.ident-row')].map((r) => ({
        kind: r.querySelector('.ident-kind').value, value: r.querySelector('.ident-value').value })),
    };
    if (reason.value.trim()) body.reason = reason.value;
    try {
      U.cust = await api('PATCH', `/customers/${c.id}`, body);
      notice('Customer record saved.');
      render();
      loadHistory();
    } catch (ex) {
      err.textContent = errText(ex) + (ex.info && ex.info.field ? ` (${ex.info.field})` : '');
      err.hidden = false;
    }
  });
  dlg.replaceChildren(
    h('header', { class: 'cust-head' },
      h('h2', { id: 'cust-h', testid: 'customer-title', text: `${c.name || '(no name)'} · customer #${c.id}` }),
      h('button', { type: 'button', testid: 'customer-close', onclick: () => dlg.close(), text: 'Close' })),
    merged ? h('p', { class: 'banner warn', testid: 'customer-merged' },
      `This record was merged into customer #${c.merged_into}. `,
      h('button', { type: 'button', class: 'link', onclick: () => openPanel(c.merged_into), text: 'Open that record' })) : null,
    h('div', { class: 'cust-cols' },
      h('section', { 'aria-label': 'Details' }, h('h3', { text: 'Details' }), form,
        merged ? null : mergeSection()),
      h('section', { 'aria-label': 'Cases and history' },
        h('h3', { text: 'Cases' }), h('ul', { class: 'list', testid: 'customer-cases' }),
        h('h3', { text: 'History' }), h('ol', { class: 'list cust-history', testid: 'customer-history' }))));
}

async function loadCases() {
  const c = U.cust;
  const list = dlg.querySelector('[data-testid="customer-cases"]');
  try {
    const r = await api('GET', `/cases?limit=50&customer_id=${c.id}`);
    if (U.cust !== c) return;
    list.replaceChildren(...r.items.map((k) => h('li', { testid: 'customer-case', 'data-case-id': k.id },
      h('button', { type: 'button', class: 'link', onclick: () => { dlg.close(); C.open(k.id); } },
        `#${k.id} ${k.subject}`), h('span', { class: 'muted small', text: ` ${k.status.replace(/_/g, ' ')}` }))));
    if (!r.items.length) list.append(h('li', { class: 'muted small', text: 'No cases.' }));
  } catch (e) {
    list.replaceChildren(h('li', { class: 'form-error small', text: errText(e) }));
  }
}

function historyLine(e) {
  const me = C.me();
  const who = e.by.kind === 'agent' ? (me && me.id === e.by.id ? 'you' : `agent #${e.by.id}`)
    : e.by.kind === 'customer' ? 'the customer' : `heed (${e.via})`;
  let what;
  if (e.field === 'created') what = `Record created${e.new ? ` as "${e.new}"` : ''}`;
  else if (e.field === 'merged_from') what = `Merged in record #${e.other_customer_id}${e.new ? ` ("${e.new}")` : ''}`;
  else if (e.field === 'merged_into') what = `Merged into record #${e.other_customer_id}`;
  else if (e.old === null) what = `${FIELD_WORDS[e.field] || e.field} added: ${e.new}`;
  else if (e.new === null) what = `${FIELD_WORDS[e.field] || e.field} removed: ${e.old}`;
  else what = `${FIELD_WORDS[e.field] || e.field}: "${e.old}" → "${e.new}"`;
  return h('li', { class: 'cust-change', testid: 'history-item', 'data-field': e.field },
    h('span', { class: 'muted small', text: clock(e.at) + ' ' }), what,
    h('span', { class: 'muted small', text: ` · by ${who}` }),
    e.reason ? h('div', { class: 'small', testid: 'history-reason', text: `Reason: ${e.reason}` }) : null);
}

async function loadHistory() {
  const c = U.cust;
  const list = dlg.querySelector('[data-testid="customer-history"]');
  try {
    const r = await api('GET', `/customers/${c.id}/history?limit=50`);
    if (U.cust !== c) return;
    list.replaceChildren(...r.items.map(historyLine));
  } catch (e) {
    list.replaceChildren(h('li', { class: 'form-error small', text: errText(e) }));
  }
}

/* ---------- merging a duplicate ---------- */

function mergeSection() {
  const c = U.cust;
  const results = h('ul', { class: 'list cust-results inline', testid: 'merge-results' });
  const confirm = h('div', { class: 'merge-confirm', testid: 'merge-confirm', hidden: true });
  const input = h('input', { type: 'search', testid: 'merge-search', autocomplete: 'off',
    placeholder: 'Find the duplicate record', 'aria-label': 'Find the duplicate record' });
  input.addEventListener('input', () => searchLater(input.value, 'mergeSeq', 'mergeTimer', (items) => {
    results.replaceChildren(...items.filter((x) => x.id !== c.id).map((x) => resultItem(x, 'merge-result', (p) => pickDuplicate(p, confirm))));
  }));
  return h('details', { class: 'merge-box', testid: 'merge-box' },
    h('summary', { testid: 'merge-open', text: 'Merge a duplicate into this record' }),
    h('p', { class: 'muted small', text: 'Every case, chat and identifier of the duplicate moves here; this record keeps its name.' }),
    input, results, confirm);
}

async function pickDuplicate(dup, box) {
  const c = U.cust;
  let cases = [];
  try {
    cases = (await api('GET', `/cases?limit=200&customer_id=${dup.id}`)).items;
  } catch (e) {
    notice('Could not read the duplicate\'s cases: ' + errText(e), 'error');
    return;
  }
  if (U.cust !== c) return;
  U.pick = dup;
  const reason = h('input', { testid: 'merge-reason', maxlength: 500, 'aria-label': 'Reason for the merge',
    placeholder: 'Why these are the same customer' });
  const err = h('p', { class: 'form-error small', testid: 'merge-error', role: 'alert', hidden: true });
  box.replaceChildren(
    h('p', { testid: 'merge-summary' },
      `Customer #${dup.id} (${dup.name || 'no name'}) goes into #${c.id} (${c.name || 'no name'}). Moves: `,
      `${cases.length} case${cases.length === 1 ? '' : 's'}`,
      cases.length ? ` (${cases.map((k) => '#' + k.id).join(', ')})` : '',
      dup.identifiers.length ? `; identifiers: ${dup.identifiers.map(identText).join(', ')}` : '; no identifiers',
      c.name && dup.name && c.name !== dup.name ? `. The name stays "${c.name}"; "${dup.name}" is kept in the history.` : '.'),
    reason, err,
    h('div', { class: 'dialog-row' },
      h('button', { type: 'button', onclick: () => { box.hidden = true; U.pick = null; }, text: 'Cancel' }),
      h('button', { type: 'button', class: 'primary', testid: 'merge-submit', text: `Merge #${dup.id} into #${c.id}`,
        onclick: async () => {
          err.hidden = true;
          const body = { from_id: dup.id };
          if (reason.value.trim()) body.reason = reason.value;
          try {
            const r = await api('POST', `/customers/${c.id}/merge`, body);
            notice(`Merged: ${r.moved.cases.length} case(s) and ${r.moved.identifiers} identifier(s) moved.`);
            U.cust = r.customer;
            render();
            loadHistory();
            loadCases();
          } catch (ex) {
            err.textContent = errText(ex);
            err.hidden = false;
          }
        } })));
  box.hidden = false;
}

/* ---------- life cycle ---------- */

C.on('start', () => {
  if (!document.getElementById('customer-search')) mountSearch();
  if (!dlg) mountPanel();
});
C.on('stop', () => { if (dlg && dlg.open) dlg.close(); });

/* for other console parts: show a customer's record */
window.heedCustomers = Object.freeze({ open: openPanel });

})();
