/*
 * heed chat widget (web/widget.js) - the customer's side of live chat.
 *
 * Embedded with one tag on any site, any origin:
 *   <script src="https://heed.example/widget.js" data-queue="support"></script>
 * Optional attributes: data-site (the site's key; without it heed finds the
 * site that lists this page's origin), data-customer-id + data-signature
 * (signed identity), data-title (panel title), data-accent (#rrggbb).
 * Public API: window.HeedChat.identify({id, signature, name, email}),
 *             window.HeedChat.open(), window.HeedChat.close().
 *
 * This file owns: the launcher button, the pre-chat form, the conversation
 * panel (messages, system lines, queue position and wait range, "email me"
 * offer, hold with consent, typing, delivered/read ticks, transcript and end
 * chat), and the WebSocket session with resume and reconnect. The protocol is
 * docs/chat.md; the server is src/chan/chat.c.
 *
 * Rules kept here: the customer is never asked twice (the visitor token in
 * localStorage resumes the same conversation after a reload or a lost
 * network, replaying history; no event id is ever shown twice), nobody is put
 * on hold without the customer's answer, and every piece of text is set with
 * textContent inside an open Shadow DOM (host CSS cannot reach it).
 *
 * Plain ES2020, no dependencies, no build step; ASCII only (non-ASCII text is
 * written as \u escapes) so a host page without a charset cannot garble it.
 */
(() => {
  'use strict';

  const script = document.currentScript ||
    document.querySelector('script[src*="widget.js"]');
  if (!script || (window.HeedChat && window.HeedChat.version)) return;

  /* ---------- configuration ---------- */

  const base = new URL(script.src, location.href).origin;
  const cfg = {
    base,
    wsUrl: base.replace(/^http/, 'ws') + '/ws/chat',
    site: script.dataset.site || '',            // '': found by this page's origin
    queue: script.dataset.queue || '',
    title: script.dataset.title || 'Chat with us',
    accent: /^#[0-9a-f]{3,8}$/i.test(script.dataset.accent || '') ? script.dataset.accent : '',
  };
  const KEY = 'heed.chat.' + (cfg.site || 'origin'); // the visitor token
  const ME_KEY = KEY + '.me';                   // {name, email} to prefill
  const OPEN_KEY = KEY + '.open';               // panel open (sessionStorage)
  const BACKOFF_MIN = 500, BACKOFF_MAX = 10000;

  /* storage that survives blocked localStorage (privacy modes, partitioning) */
  const memory = {};
  const storage = (area) => ({
    get(k) { try { return window[area].getItem(k); } catch (e) { return memory[area + k] ?? null; } },
    set(k, v) { try { window[area].setItem(k, v); } catch (e) { memory[area + k] = v; } },
    del(k) { try { window[area].removeItem(k); } catch (e) { delete memory[area + k]; } },
  });
  const local = storage('localStorage'), session = storage('sessionStorage');

  function loadMe() {
    try { return JSON.parse(local.get(ME_KEY)) || {}; } catch (e) { return {}; }
  }

  /* ---------- state ---------- */

  const S = {
    open: false,
    token: local.get(KEY),
    caseId: null,
    contact: null,            // CONTACT as last sent by the server
    identity: script.dataset.customerId && script.dataset.signature
      ? { id: script.dataset.customerId, signature: script.dataset.signature } : null,
    me: loadMe(),             // {name, email}
    lastEventId: 0,
    seen: new Set(),          // event ids already handled (never shown twice)
    readUpto: 0,              // agent has read up to this event id
    deliveredUpto: 0,         // agent's console has received up to this id
    readSent: 0,              // last `read` we sent
    maxAgentMsg: 0,           // highest agent message id shown
    unread: 0,                // agent messages while the panel was closed
    pending: new Map(),       // cid -> {cid, body, status, error, eventId, el}
    ws: null,
    conn: 'idle',             // idle | connecting | open | lost
    replayed: false,          // history replay done on this socket
    backoff: BACKOFF_MIN,
    retryTimer: 0,
    lastFrameAt: 0,
    agentTyping: null,        // {name, timer}
    typing: { on: false, lastSent: 0, idle: 0 },
    holdAnswered: null,       // asked_at of the hold question we answered
    notifyAsked: false,
    question: undefined,      // the guided step to answer while waiting (/chat/questions); undefined: not asked yet
    questionError: '', questionsBusy: false,
    startBusy: false,
    menuOpen: false,
    transcriptForm: false,
    notice: null,             // {text, kind}
  };
  const ui = {};

  /* ---------- small helpers ---------- */

  /* h(tag, props, ...children): strings become text nodes, never markup. */
  function h(tag, props, ...kids) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v == null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid);
    return el;
  }
  const show = (el, on) => { el.hidden = !on; };
  const fill = (el, ...kids) => el.replaceChildren(...kids.filter((k) => k != null && k !== false));
  const firstName = (name) => String(name || '').trim().split(/\s+/)[0] || 'The agent';
  const agentName = () => (S.contact && S.contact.agent && S.contact.agent.name) || '';
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const isEnded = () => !!S.contact && (S.contact.state === 'ended' || S.contact.state === 'abandoned');
  const isLive = () => !!S.ws && S.ws.readyState === 1 && S.replayed;
  const newCid = () => 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);

  function mmss(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    return String(Math.floor(s / 60)).padStart(2, '0') + ':' + String(s % 60).padStart(2, '0');
  }
  function clockTime(t) {
    const d = new Date(t);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }
  /* "About 2-4 minutes" (en dash), or "less than a minute" when the high end is under 60 s. */
  function waitText(est) {
    if (!est || typeof est.high_s !== 'number') return '';
    if (est.high_s < 60) return 'less than a minute';
    const lo = Math.max(1, Math.round((est.low_s || 0) / 60));
    const hi = Math.max(lo, Math.round(est.high_s / 60));
    return lo === hi ? `About ${plural(hi, 'minute')}` : `About ${lo}\u2013${hi} minutes`;
  }

  const ERRORS = {
    rate_limited: 'Too many messages at once. Wait a moment and try again.',
    too_large: 'That message is too long.',
    invalid_value: 'That message could not be sent (empty or too long).',
    unavailable: 'We could not save that just now. Please try again.',
    forbidden: 'That is not possible in this chat.',
    conflict: 'That is no longer possible.',
    not_found: 'This chat could not be found.',
    unauthorized: 'This chat could not be resumed.',
    at_capacity: 'Everyone is busy right now. Please try again.',
    bad_frame: 'Something went wrong sending that.',
  };
  const errorText = (code, fallback) => ERRORS[code] || fallback || 'Something went wrong.';

  /* ---------- building the DOM (once) ---------- */

  function build() {
    const host = document.createElement('heed-chat');
    host.style.setProperty('all', 'initial', 'important');
    host.style.setProperty('display', 'block', 'important');
    host.style.setProperty('position', 'static', 'important');
    const root = host.attachShadow({ mode: 'open' });
    ui.root = root;
    if (cfg.accent) host.style.setProperty('--heed-accent', cfg.accent);

    root.append(h('style', { text: CSS }));
    ui.panel = h('section', { class: 'panel', id: 'heed-panel', role: 'dialog', 'aria-label': cfg.title,
      testid: 'heed-panel', hidden: true, onkeydown: onPanelKey });

    /* header: title, agent, state badge, menu, close */
    ui.state = h('span', { class: 'badge', testid: 'heed-state' });
    ui.agent = h('span', { class: 'agent' });
    ui.menuBtn = h('button', { type: 'button', class: 'icon', 'aria-label': 'Chat options', 'aria-haspopup': 'true',
      'aria-expanded': 'false', testid: 'heed-menu', onclick: () => toggleMenu() }, '\u22ef');
    ui.closeBtn = h('button', { type: 'button', class: 'icon', 'aria-label': 'Minimise chat', testid: 'heed-close',
      onclick: () => setOpen(false) }, '\u00d7');
    ui.panel.append(h('header', {},
      h('div', { class: 'titles' }, h('h2', { text: cfg.title }), h('div', { class: 'sub' }, ui.state, ui.agent)),
      ui.menuBtn, ui.closeBtn));

    /* menu: transcript download / email, end chat */
    ui.trEmail = h('input', { type: 'email', id: 'heed-tr-email', autocomplete: 'email', testid: 'heed-transcript-email' });
    ui.trForm = h('form', { class: 'trform', hidden: true, onsubmit: (e) => { e.preventDefault(); emailTranscript(ui.trEmail.value.trim()); } },
      h('label', { for: 'heed-tr-email', text: 'Send the transcript to' }), ui.trEmail,
      h('button', { type: 'submit', class: 'small', testid: 'heed-transcript-send' }, 'Send'));
    ui.endItem = h('button', { type: 'button', testid: 'heed-end', onclick: endChat }, 'End chat');
    ui.menu = h('div', { class: 'menu', hidden: true },
      h('button', { type: 'button', testid: 'heed-download', onclick: downloadTranscript }, 'Download transcript'),
      h('button', { type: 'button', testid: 'heed-email-transcript', onclick: onEmailTranscriptItem }, 'Email me this transcript'),
      ui.trForm, ui.endItem);

    ui.conn = h('div', { class: 'conn', testid: 'heed-conn', role: 'status', hidden: true });
    ui.noticeText = h('span');
    ui.notice = h('div', { class: 'notice', testid: 'heed-notice', role: 'status', hidden: true }, ui.noticeText,
      h('button', { type: 'button', class: 'icon', 'aria-label': 'Dismiss', testid: 'heed-notice-close',
        onclick: () => setNotice(null) }, '\u00d7'));

    ui.panel.append(ui.menu, ui.conn, ui.notice, buildForm(), buildChat());

    ui.unread = h('span', { class: 'unread', testid: 'heed-unread', hidden: true });
    ui.launcher = h('button', { type: 'button', class: 'launcher', testid: 'heed-launcher', 'aria-controls': 'heed-panel',
      'aria-expanded': 'false', onclick: () => setOpen(!S.open) }, h('span', { class: 'glyph', 'aria-hidden': 'true' }), ui.unread);
    root.append(ui.panel, ui.launcher);
    document.body.append(host);
  }

  function field(id, label, input, hint) {
    input.id = id;
    return h('div', { class: 'field' }, h('label', { for: id }, label, hint ? h('span', { class: 'hint', text: hint }) : null), input);
  }

  function buildForm() {
    ui.name = h('input', { type: 'text', autocomplete: 'name', maxlength: 200, testid: 'heed-name' });
    ui.email = h('input', { type: 'email', autocomplete: 'email', maxlength: 254, testid: 'heed-email' });
    ui.subject = h('textarea', { rows: 2, maxlength: 200, required: true, testid: 'heed-subject' });
    ui.tried = h('textarea', { rows: 3, maxlength: 2000, testid: 'heed-tried' });
    ui.formError = h('p', { class: 'error', role: 'alert', testid: 'heed-form-error', hidden: true });
    ui.start = h('button', { type: 'submit', class: 'primary', testid: 'heed-start' }, 'Start chat');
    ui.form = h('form', { class: 'prechat', testid: 'heed-form', novalidate: true, onsubmit: startChat },
      h('p', { class: 'intro', text: 'Tell us once, and the person who answers will see it.' }),
      field('heed-f-name', 'Name', ui.name, ' (optional)'),
      field('heed-f-email', 'Email', ui.email, ' (optional)'),
      field('heed-f-subject', 'What can we help with?', ui.subject),
      field('heed-f-tried', 'What have you already tried?', ui.tried, ' (optional)'),
      ui.formError, ui.start);
    ui.subject.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) ui.form.requestSubmit();
    });
    return ui.form;
  }

  function buildChat() {
    ui.queue = h('div', { class: 'status queue', testid: 'heed-queue', 'aria-live': 'polite', hidden: true });
    ui.notify = h('div', { class: 'status notify', hidden: true });
    ui.hold = h('div', { class: 'status hold', testid: 'heed-hold', hidden: true });
    ui.questions = h('form', { class: 'status questions', testid: 'heed-questions', novalidate: true, hidden: true,
      'aria-live': 'polite' });
    ui.messages = h('ol', { class: 'messages', testid: 'heed-messages', role: 'log', 'aria-live': 'polite',
      'aria-relevant': 'additions', 'aria-label': 'Conversation' });
    ui.typingEl = h('div', { class: 'typing', testid: 'heed-typing', 'aria-live': 'polite', hidden: true });
    ui.ended = h('div', { class: 'ended', testid: 'heed-ended', hidden: true },
      h('p', { text: 'This chat has ended. You can still download or email the transcript from the \u22ef menu.' }),
      h('button', { type: 'button', class: 'primary', testid: 'heed-new-chat', onclick: newChat }, 'Start a new chat'));
    ui.input = h('textarea', { id: 'heed-input', rows: 1, maxlength: 4000, placeholder: 'Write a message\u2026',
      testid: 'heed-input', oninput: onComposerInput, onkeydown: onComposerKey });
    ui.send = h('button', { type: 'submit', class: 'primary', testid: 'heed-send' }, 'Send');
    ui.composer = h('form', { class: 'composer', onsubmit: (e) => { e.preventDefault(); sendMessage(); } },
      h('label', { for: 'heed-input', class: 'sr', text: 'Message' }), ui.input, ui.send);
    ui.chat = h('div', { class: 'chat', hidden: true },
      ui.queue, ui.questions, ui.notify, ui.hold, ui.messages, ui.typingEl, ui.ended, ui.composer);
    return ui.chat;
  }

  /* ---------- rendering, one function per area ---------- */

  function renderAll() {
    const stick = nearBottom();
    renderView(); renderHeader(); renderConn(); renderQueue(); renderQuestions(); renderNotify(); renderHold(); renderTyping();
    renderLauncher();
    if (stick) scrollDown();
  }

  function renderView() {
    const chatting = !!S.token;
    show(ui.form, !chatting);
    show(ui.chat, chatting);
    show(ui.ended, chatting && isEnded());
    show(ui.composer, chatting && !isEnded());
    ui.start.disabled = S.startBusy;
    ui.start.textContent = S.startBusy ? 'Starting\u2026' : 'Start chat';
  }

  const STATE_LABEL = { queued: 'Waiting', active: 'Connected', on_hold: 'On hold', ended: 'Ended', abandoned: 'Ended' };
  function renderHeader() {
    const st = S.contact ? S.contact.state : (S.token ? 'connecting' : 'new');
    ui.state.dataset.state = st;
    ui.state.textContent = STATE_LABEL[st] || (S.token ? 'Connecting' : 'New chat');
    const name = agentName();
    ui.agent.textContent = name && (st === 'active' || st === 'on_hold') ? ' \u00b7 ' + name : '';
    show(ui.menuBtn, !!S.token);
    show(ui.menu, !!S.token && S.menuOpen);
    ui.menuBtn.setAttribute('aria-expanded', String(!!S.token && S.menuOpen));
    show(ui.trForm, S.transcriptForm);
    show(ui.endItem, !isEnded());
  }

  function renderConn() {
    const text = !S.token || isEnded() ? '' :
      S.conn === 'connecting' ? 'Connecting\u2026' :
      S.conn === 'lost' ? 'Connection lost. Reconnecting\u2026 your messages are kept.' : '';
    ui.conn.textContent = text;
    ui.conn.dataset.conn = S.conn;
    show(ui.conn, !!text);
  }

  function renderNotice() {
    show(ui.notice, !!S.notice);
    ui.noticeText.textContent = S.notice ? S.notice.text : '';
    ui.notice.dataset.kind = S.notice ? S.notice.kind : '';
  }

  /* Rebuild an area only when what it shows changed (keeps focus and typed text). */
  function changed(el, key) {
    if (el.dataset.key === key) return false;
    el.dataset.key = key;
    return true;
  }

  function renderQueue() {
    const c = S.contact;
    const queued = !!c && c.state === 'queued';
    show(ui.queue, queued);
    if (!queued) return;
    const pos = c.position;
    const line = pos === 1 ? "You're next in the queue." :
      typeof pos === 'number' ? `You're number ${pos} in the queue.` : "You're in the queue.";
    /* no estimate (nobody serving the queue yet): say so rather than guess or hide it */
    const wait = waitText(c.estimate);
    ui.queue.dataset.position = pos ?? '';
    if (!changed(ui.queue, line + wait)) return;
    fill(ui.queue,
      h('p', { class: 'pos', text: line }),
      h('p', { class: 'wait' }, h('span', { class: 'label', text: 'Estimated wait' }),
        h('span', { class: 'val', testid: 'heed-wait', 'data-known': wait ? 'true' : 'false',
          text: wait || 'not known yet' })),
      h('p', { class: 'hint', text: 'You can keep typing: the agent will see everything when they join.' }));
  }

  /* ---------- guided questions while waiting ----------
   * A guided flow on the case may have steps the customer can answer alone
   * (GET /api/v1/chat/questions); while they wait, they do, one at a time,
   * so the agent who joins never asks them. */

  async function loadQuestions() {
    if (!S.token || S.questionsBusy) return;
    S.questionsBusy = true;
    try {
      const res = await fetch(cfg.base + '/api/v1/chat/questions', { headers: { Authorization: 'Bearer ' + S.token } });
      S.question = res.ok ? await res.json() : null;
    } catch (e) {
      S.question = null;
    } finally {
      S.questionsBusy = false;
    }
    renderQuestions();
  }

  async function answerQuestion(step, value) {
    if (S.questionsBusy) return;
    S.questionsBusy = true;
    S.questionError = '';
    try {
      const res = await fetch(cfg.base + '/api/v1/chat/answers', { method: 'POST',
        headers: { Authorization: 'Bearer ' + S.token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ step, value }) });
      const data = await res.json().catch(() => null);
      if (res.ok) S.question = data;
      else S.questionError = (data && data.error && data.error.message) || 'Your answer could not be sent.';
    } catch (e) {
      S.questionError = 'Your answer could not be sent. Please try again.';
    } finally {
      S.questionsBusy = false;
    }
    if (S.questionError) renderQuestions(true);
    else loadQuestions();
  }

  function renderQuestions(force) {
    const c = S.contact;
    const q = c && c.state === 'queued' && S.question && S.question.question;
    show(ui.questions, !!q);
    if (!q) return;
    if (!changed(ui.questions, q.id + '|' + (S.questionError || '')) && !force) return;
    const send = (v) => answerQuestion(q.id, v);
    let answer;
    if (q.answer === 'yes_no') {
      answer = [h('button', { type: 'button', class: 'small', testid: 'heed-q-yes', onclick: () => send(true) }, 'Yes'),
        h('button', { type: 'button', class: 'small', testid: 'heed-q-no', onclick: () => send(false) }, 'No')];
    } else if (q.answer === 'choice') {
      answer = (q.options || []).map((o) => h('button', { type: 'button', class: 'small', testid: 'heed-q-option',
        'data-value': o, onclick: () => send(o) }, o));
    } else {
      const input = h('input', { type: q.answer === 'number' ? 'number' : 'text', maxlength: 500, testid: 'heed-q-input',
        'aria-label': q.label || 'Answer' });
      ui.questions.onsubmit = (e) => {
        e.preventDefault();
        const raw = input.value.trim();
        if (raw) send(q.answer === 'number' ? Number(raw) : raw);
      };
      answer = [input, h('button', { type: 'submit', class: 'small', testid: 'heed-q-send' }, 'Answer')];
    }
    fill(ui.questions,
      h('p', { class: 'hint', text: 'While you wait: answer here and nobody will ask you again.' }),
      h('p', { class: 'q', testid: 'heed-question', text: q.text || q.label || '' }),
      h('div', { class: 'answers' }, answer),
      S.questionError ? h('p', { class: 'error', role: 'alert', text: S.questionError }) : null);
  }

  function renderNotify() {
    const c = S.contact;
    const queued = !!c && c.state === 'queued';
    const mode = !queued ? '' : (c.notify_email || S.notifyAsked) ? 'done' : c.offer_notify ? 'offer' : '';
    show(ui.notify, !!mode);
    if (!changed(ui.notify, mode)) return;
    ui.notifyEmail = null;
    if (mode === 'done') {
      fill(ui.notify, h('p', { testid: 'heed-notify-done',
        text: "You can close this page: you keep your place in the queue, and we'll email you." }));
    } else if (mode === 'offer') {
      if (!S.me.email) ui.notifyEmail = h('input', { type: 'email', id: 'heed-notify-email', autocomplete: 'email',
        testid: 'heed-notify-email' });
      fill(ui.notify,
        h('p', { text: 'In no hurry to wait here? We can email you when an agent replies, and you keep your place.' }),
        ui.notifyEmail ? h('label', { for: 'heed-notify-email', text: 'Your email' }) : null, ui.notifyEmail,
        h('button', { type: 'button', class: 'small', testid: 'heed-notify', onclick: requestNotify }, 'Email me when an agent replies'));
    } else {
      fill(ui.notify);
    }
  }

  function renderHold() {
    const hold = !isEnded() && S.contact && S.contact.hold;
    const st = hold ? hold.state : '';
    show(ui.hold, st === 'asked' || st === 'on');
    const answered = !!hold && S.holdAnswered === hold.asked_at;
    const name = firstName(agentName());
    if (!changed(ui.hold, [st, hold && hold.minutes, hold && hold.asked_at, hold && hold.started_at, answered, name].join('|'))) return;
    clearInterval(S.holdTick);
    if (st === 'asked') {
      const btn = (answer, label, testid) => h('button', { type: 'button', testid, disabled: answered,
        class: answer === 'accept' ? 'primary' : '', onclick: () => answerHold(answer) }, label);
      fill(ui.hold,
        h('p', { role: 'alert', text: `${name} asks to put you on hold for about ${plural(hold.minutes, 'minute')}.` }),
        h('p', { class: 'hint', text: answered ? 'Sending your answer\u2026' : 'Nothing happens until you answer.' }),
        h('div', { class: 'buttons' }, btn('accept', 'Accept', 'heed-hold-accept'),
          btn('decline', 'No, stay with me', 'heed-hold-decline'),
          btn('later', 'Contact me later instead', 'heed-hold-later')));
    } else if (st === 'on') {
      ui.holdClock = h('span', { class: 'clock' });
      ui.holdOver = h('span', { class: 'over' });
      fill(ui.hold,
        h('p', { text: `You're on hold. ${name} will be right back.` }),
        h('p', { class: 'timer', testid: 'heed-hold-timer' }, ui.holdClock, ` \u00b7 agreed: ${hold.minutes} min`, ui.holdOver));
      tickHold();
      S.holdTick = setInterval(tickHold, 1000);
    } else {
      fill(ui.hold);
    }
  }

  function tickHold() {
    const hold = S.contact && S.contact.hold;
    if (!hold || hold.state !== 'on' || !ui.holdClock) return;
    const since = Date.parse(hold.started_at || hold.asked_at);
    const secs = isNaN(since) ? 0 : (Date.now() - since) / 1000;
    ui.holdClock.textContent = mmss(secs);
    ui.holdOver.textContent = secs > hold.minutes * 60
      ? ` \u00b7 longer than agreed; ${firstName(agentName())} has been reminded` : '';
  }

  function renderTyping() {
    const t = S.agentTyping;
    show(ui.typingEl, !!t && !isEnded());
    ui.typingEl.textContent = t ? `${firstName(t.name || agentName())} is typing\u2026` : '';
  }

  function renderLauncher() {
    ui.launcher.setAttribute('aria-expanded', String(S.open));
    ui.launcher.classList.toggle('is-open', S.open);
    const n = S.open ? 0 : S.unread;
    show(ui.unread, n > 0);
    ui.unread.textContent = n > 9 ? '9+' : String(n);
    ui.launcher.setAttribute('aria-label', S.open ? 'Minimise chat' :
      n > 0 ? `${cfg.title} (${plural(n, 'new message')})` : cfg.title);
  }

  function setNotice(text, kind = 'error') {
    S.notice = text ? { text, kind } : null;
    renderNotice();
  }

  /* ---------- the message list ---------- */

  /* Insert by event id; elements without an id yet (sending) stay last.
   * Scroll along only when the reader is at the bottom (or it is their own message). */
  function place(li, id, own = false) {
    const stick = own || nearBottom();
    let before = null;
    if (id) {
      for (const el of ui.messages.children) {
        const other = Number(el.dataset.eventId || 0);
        if (el !== li && (!other || other > id)) { before = el; break; }
      }
    }
    ui.messages.insertBefore(li, before);
    if (stick) scrollDown();
  }
  function nearBottom() {
    const m = ui.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 60;
  }
  function scrollDown() { ui.messages.scrollTop = ui.messages.scrollHeight; }

  function messageEl(who, name, body, time) {
    const li = h('li', { class: 'msg ' + who, testid: 'heed-msg', 'data-author': who },
      who === 'agent' ? h('div', { class: 'who', text: name }) : null,
      h('div', { class: 'bubble', text: body }),
      h('div', { class: 'meta' }, h('span', { class: 'time', text: time }), h('span', { class: 'st' })));
    return li;
  }

  function customerStatus(id) {
    if (S.readUpto >= id) return 'read';
    if (S.deliveredUpto >= id) return 'delivered';
    return 'sent';
  }
  const STATUS_TEXT = { sending: 'sending\u2026', sent: 'sent', delivered: 'delivered', read: 'read', error: 'not sent' };

  function setStatus(li, status) {
    li.dataset.status = status;
    li.querySelector('.st').textContent = STATUS_TEXT[status] || '';
  }
  function refreshStatuses() {
    for (const li of ui.messages.querySelectorAll('li.msg.customer[data-event-id]')) {
      setStatus(li, customerStatus(Number(li.dataset.eventId)));
    }
  }

  function systemText(ev) {
    const d = ev.data || {};
    const who = (ev.author && ev.author.name) || '';
    switch (ev.type) {
      /* the server's line names who joined; the contact frame saying so may come after it */
      case 'agent_joined': return ev.body || `${who || agentName() || 'An agent'} joined`;
      case 'verification': return !d.method || d.method === 'signed_widget_identity'
        ? 'Verified (signed in on the website)' : 'Verified';
      case 'hold_requested': return `${firstName(who || agentName())} asked to put you on hold for about ${plural(d.minutes, 'minute')}`;
      case 'hold_started': return d.minutes ? `On hold (agreed: ${d.minutes} min)` : 'On hold';
      case 'hold_declined': return 'You asked to stay on the line';
      case 'hold_ended': return d.seconds ? `Back from hold after ${mmss(d.seconds)}` : 'Back from hold';
      case 'contact_later': return 'You asked to be contacted later';
      case 'notify_requested': return "We'll email you when an agent replies";
      case 'transfer': return ev.body || 'Your chat was transferred';
      case 'customer_left': return 'You left the chat';
      case 'chat_ended': return d.by === 'customer' ? 'You ended the chat' : who ? `${who} ended the chat` : 'Chat ended';
      case 'note': case 'handoff': return '';      // internal, never shown
      default: return ev.body || '';
    }
  }

  function onEvent(ev) {
    if (!ev || typeof ev.id !== 'number') return;
    if (ev.id > S.lastEventId) S.lastEventId = ev.id;
    if (S.seen.has(ev.id)) return;
    S.seen.add(ev.id);
    if (ev.visibility && ev.visibility !== 'public') return;
    if (ev.type === 'message') return showMessage(ev);
    const text = systemText(ev);
    if (text) {
      place(h('li', { class: 'sys', testid: 'heed-event', 'data-event-id': ev.id, 'data-type': ev.type }, text), ev.id);
    }
    if (ev.type === 'chat_ended' && S.contact && !isEnded()) onContact({ ...S.contact, state: 'ended', hold: null });
  }

  function showMessage(ev) {
    const author = ev.author || {};
    const body = String(ev.body || '');
    if (author.kind === 'customer') {
      const pend = [...S.pending.values()];
      /* our own message: adopt its "sending" bubble (by ack id, else by text when the ack was lost) */
      const p = pend.find((x) => x.eventId === ev.id) ||
        pend.find((x) => !x.eventId && x.status !== 'error' && x.body.trim() === body.trim());
      const li = p ? p.el : messageEl('customer', '', body, clockTime(ev.created_at));
      if (p) { S.pending.delete(p.cid); li.querySelector('.time').textContent = clockTime(ev.created_at); clearRetry(li); }
      li.dataset.eventId = ev.id;
      setStatus(li, customerStatus(ev.id));
      place(li, ev.id);
      return;
    }
    const li = messageEl('agent', author.name || 'Support', body, clockTime(ev.created_at));
    li.dataset.eventId = ev.id;
    place(li, ev.id);
    if (author.kind === 'agent') {
      S.maxAgentMsg = Math.max(S.maxAgentMsg, ev.id);
      if (S.agentTyping) { clearTimeout(S.agentTyping.timer); S.agentTyping = null; renderTyping(); }
      if (S.replayed && !(S.open && document.visibilityState === 'visible')) { S.unread++; renderLauncher(); }
      sendRead();
    }
  }

  function clearRetry(li) { const r = li.querySelector('.retry'); if (r) r.remove(); }

  /* ---------- sending ---------- */

  function sendFrame(frame) {
    if (!S.ws || S.ws.readyState !== 1) return false;
    S.ws.send(JSON.stringify(frame));
    return true;
  }

  function sendMessage() {
    const body = ui.input.value.trim();
    if (!body || !S.token || isEnded()) return;
    const p = { cid: newCid(), body, status: 'sending', eventId: 0, error: '' };
    p.el = messageEl('customer', '', body, clockTime(Date.now()));
    p.el.dataset.cid = p.cid;
    setStatus(p.el, 'sending');
    S.pending.set(p.cid, p);
    place(p.el, 0, true);
    ui.input.value = '';
    autoGrow();
    stopTyping();
    transmit(p);
    ui.input.focus();
  }

  /* Sent now if the socket is live; otherwise flushed after the next replay. */
  function transmit(p) {
    p.status = 'sending';
    setStatus(p.el, 'sending');
    if (isLive()) sendFrame({ type: 'message', cid: p.cid, body: p.body });
  }

  function flushPending() {
    for (const p of S.pending.values()) if (p.status === 'sending' && !p.eventId) transmit(p);
  }

  function onAck(f) {
    const p = S.pending.get(f.cid);
    if (!p || typeof f.event_id !== 'number') return;
    const existing = ui.messages.querySelector(`li[data-event-id="${f.event_id}"]`);
    if (existing && existing !== p.el) { p.el.remove(); S.pending.delete(p.cid); return; }
    p.eventId = f.event_id;
    p.status = 'sent';
    p.el.dataset.eventId = f.event_id;
    setStatus(p.el, customerStatus(f.event_id));
    place(p.el, f.event_id);
  }

  function onMessageError(p, f) {
    p.status = 'error';
    p.error = errorText(f.code, f.message);
    setStatus(p.el, 'error');
    clearRetry(p.el);
    p.el.append(h('div', { class: 'retry', role: 'alert' }, h('span', { text: p.error + ' ' }),
      h('button', { type: 'button', class: 'link', testid: 'heed-retry', onclick: () => { clearRetry(p.el); transmit(p); } }, 'Retry')));
  }

  function onComposerKey(e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendMessage(); }
  }

  function onComposerInput() {
    autoGrow();
    const now = Date.now();
    if (ui.input.value.trim() && now - S.typing.lastSent >= 2000 && isLive()) {
      sendFrame({ type: 'typing', on: true, ref: 'bg' });
      S.typing.lastSent = now;
      S.typing.on = true;
    }
    clearTimeout(S.typing.idle);
    S.typing.idle = setTimeout(stopTyping, 3000);
  }

  function stopTyping() {
    clearTimeout(S.typing.idle);
    if (S.typing.on) sendFrame({ type: 'typing', on: false, ref: 'bg' });
    S.typing.on = false;
    S.typing.lastSent = 0;
  }

  function autoGrow() {
    ui.input.style.height = 'auto';
    ui.input.style.height = Math.min(ui.input.scrollHeight, 140) + 'px';
  }

  /* `read` when agent messages are on screen: panel open and the page visible. */
  function sendRead() {
    if (!S.open || document.visibilityState !== 'visible') return;
    S.unread = 0;
    renderLauncher();
    if (!isLive() || S.maxAgentMsg <= S.readSent) return;
    S.readSent = S.lastEventId;
    sendFrame({ type: 'read', event_id: S.readSent, ref: 'bg' });
  }

  function answerHold(answer) {
    const hold = S.contact && S.contact.hold;
    if (!hold || !sendFrame({ type: 'hold_answer', answer, ref: 'hold' })) {
      setNotice('Not connected right now. Your answer was not sent; please try again in a moment.');
      return;
    }
    S.holdAnswered = hold.asked_at;
    renderHold();
  }

  function requestNotify() {
    const email = ui.notifyEmail ? ui.notifyEmail.value.trim() : S.me.email;
    if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      setNotice('Please enter a valid email address.');
      if (ui.notifyEmail) ui.notifyEmail.focus();
      return;
    }
    if (!sendFrame({ type: 'notify', email, ref: 'notify' })) {
      setNotice('Not connected right now. Please try again in a moment.');
      return;
    }
    S.me.email = email;
    saveMe();
    S.notifyAsked = true;
    renderNotify();
  }

  function endChat() {
    closeMenu();
    if (!sendFrame({ type: 'leave', ref: 'leave' })) setNotice('Not connected right now. Please try again in a moment.');
  }

  /* ---------- incoming frames ---------- */

  function onFrame(f) {
    switch (f.type) {
      case 'welcome':
        S.conn = 'open';
        S.backoff = BACKOFF_MIN;
        if (f.case && f.case.id) S.caseId = f.case.id;
        S.readUpto = Math.max(S.readUpto, f.read_upto || 0);
        if (f.contact) onContact(f.contact); else renderAll();
        break;
      case 'event': onEvent(f.event); break;
      case 'replayed':
        S.replayed = true;
        if (typeof f.last_event_id === 'number') S.lastEventId = Math.max(S.lastEventId, f.last_event_id);
        refreshStatuses();
        flushPending();
        sendRead();
        break;
      case 'contact': if (f.contact) onContact(f.contact); break;
      case 'ack': onAck(f); break;
      case 'receipt': onReceipt(f); break;
      case 'typing': onTyping(f); break;
      case 'error': onError(f); break;
      default: break;            // pong and anything newer: nothing to show
    }
  }

  function onContact(c) {
    const wasEnded = isEnded();
    S.contact = c;
    if (c.case_id) S.caseId = c.case_id;
    if (!c.hold || c.hold.state !== 'asked') S.holdAnswered = null;
    if (c.state !== 'queued') S.notifyAsked = false;
    if (c.state === 'queued' && S.question === undefined) loadQuestions();
    const justEnded = isEnded() && !wasEnded;
    if (justEnded) { stopTyping(); S.agentTyping = null; }
    const hadFocus = ui.root.activeElement === ui.input;
    renderAll();
    if (justEnded && hadFocus) ui.ended.querySelector('button').focus();
  }

  /* `receipt`: read_upto is what the agent has read; with "delivered" it is what their console received. */
  function onReceipt(f) {
    if (f.by && f.by !== 'agent') return;
    const upto = typeof f.read_upto === 'number' ? f.read_upto : f.event_id || 0;
    if (typeof f.delivered_upto === 'number') S.deliveredUpto = Math.max(S.deliveredUpto, f.delivered_upto);
    if (f.delivered) S.deliveredUpto = Math.max(S.deliveredUpto, upto);
    else S.readUpto = Math.max(S.readUpto, upto);
    refreshStatuses();
  }

  function onTyping(f) {
    if (f.by && f.by !== 'agent') return;
    if (S.agentTyping) clearTimeout(S.agentTyping.timer);
    S.agentTyping = f.on ? { name: f.name, timer: setTimeout(() => { S.agentTyping = null; renderTyping(); }, 10000) } : null;
    renderTyping();
  }

  function onError(f) {
    const p = f.cid && S.pending.get(f.cid);
    if (p) return onMessageError(p, f);
    if (f.ref === 'bg') return;                   // typing/read/ping over budget: nothing to tell
    if (f.ref === 'hold') { S.holdAnswered = null; renderHold(); }
    if (f.ref === 'notify') { S.notifyAsked = false; renderNotify(); }
    if (f.code === 'unauthorized') return;        // the close (4401) that follows handles it
    setNotice(errorText(f.code, f.message));
  }

  /* ---------- the socket: connect, resume, reconnect ---------- */

  function connect() {
    clearTimeout(S.retryTimer);
    if (!S.token || S.ws) return;
    if (S.conn !== 'lost') S.conn = 'connecting';
    renderConn();
    let ws;
    try { ws = new WebSocket(cfg.wsUrl, 'heed-chat.v1'); } catch (e) { return connectionLost(); }
    S.ws = ws;
    S.replayed = false;
    ws.onopen = () => {
      S.lastFrameAt = Date.now();
      ws.send(JSON.stringify({ type: 'hello', token: S.token, last_event_id: S.lastEventId }));
    };
    ws.onmessage = (e) => {
      if (ws !== S.ws) return;
      S.lastFrameAt = Date.now();
      let f;
      try { f = JSON.parse(e.data); } catch (err) { return; }
      if (f && typeof f === 'object') onFrame(f);
    };
    ws.onclose = (e) => {
      if (ws !== S.ws) return;
      S.ws = null;
      if (e.code === 4401) return tokenRejected();
      connectionLost();
    };
  }

  function dropSocket() {
    const ws = S.ws;
    S.ws = null;
    S.replayed = false;
    if (ws) { ws.onclose = null; try { ws.close(1000); } catch (e) { /* already closed */ } }
  }

  /* Reconnect with backoff 0.5 s doubling to 10 s; an ended chat needs no socket. */
  function connectionLost() {
    S.replayed = false;
    S.typing.on = false;
    if (S.agentTyping) { clearTimeout(S.agentTyping.timer); S.agentTyping = null; }
    if (!S.token || isEnded()) { S.conn = 'idle'; renderAll(); return; }
    S.conn = 'lost';
    renderAll();
    const delay = S.backoff;
    S.backoff = Math.min(S.backoff * 2, BACKOFF_MAX);
    clearTimeout(S.retryTimer);
    S.retryTimer = setTimeout(connect, delay);
  }

  function reconnectNow() {
    if (!S.token || isEnded() || S.ws) return;
    S.backoff = BACKOFF_MIN;
    connect();
  }

  /* Keep-alive: ping every 25 s; nothing heard for 60 s means the link is dead. */
  setInterval(() => {
    if (!S.ws || S.ws.readyState !== 1) return;
    if (Date.now() - S.lastFrameAt > 60000) { dropSocket(); connectionLost(); return; }
    sendFrame({ type: 'ping', ref: 'bg' });
  }, 25000);

  function tokenRejected() {
    resetConversation();
    forgetToken();
    renderAll();
    setNotice('We could not resume your previous chat. Please start a new one.');
  }

  /* ---------- starting and ending ---------- */

  function saveMe() { local.set(ME_KEY, JSON.stringify({ name: S.me.name || '', email: S.me.email || '' })); }
  function forgetToken() { S.token = null; local.del(KEY); }

  function resetConversation() {
    dropSocket();
    clearTimeout(S.retryTimer);
    clearInterval(S.holdTick);
    Object.assign(S, { caseId: null, contact: null, lastEventId: 0, seen: new Set(), readUpto: 0, deliveredUpto: 0,
      readSent: 0, maxAgentMsg: 0, unread: 0, pending: new Map(), conn: 'idle', backoff: BACKOFF_MIN,
      agentTyping: null, holdAnswered: null, notifyAsked: false, question: undefined, questionError: "", menuOpen: false, transcriptForm: false });
    fill(ui.messages);
    for (const el of [ui.queue, ui.notify, ui.hold]) el.dataset.key = '';
    prefillForm();
  }

  function prefillForm() {
    if (!ui.name.value) ui.name.value = S.me.name || '';
    if (!ui.email.value) ui.email.value = S.me.email || '';
  }

  function formError(text) {
    ui.formError.textContent = text || '';
    show(ui.formError, !!text);
  }

  async function startChat(e) {
    e.preventDefault();
    if (S.startBusy) return;
    const subject = ui.subject.value.trim();
    const email = ui.email.value.trim();
    if (!subject) { formError('Please tell us what we can help with.'); ui.subject.focus(); return; }
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { formError('That email address does not look right.'); ui.email.focus(); return; }
    formError('');
    const body = { subject };
    if (cfg.site) body.site = cfg.site;
    if (cfg.queue) body.queue = cfg.queue;
    const name = ui.name.value.trim(), tried = ui.tried.value.trim();
    if (name) body.name = name;
    if (email) body.email = email;
    if (tried) body.tried = tried;
    if (S.identity) body.identity = { id: S.identity.id, signature: S.identity.signature };
    S.startBusy = true;
    renderView();
    try {
      const res = await fetch(cfg.base + '/api/v1/chat/sessions', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const data = await res.json().catch(() => ({}));
      if (!res.ok || !data.token) throw apiError(res, data);
      S.me = { name, email };
      saveMe();
      resetConversation();
      S.token = data.token;
      local.set(KEY, data.token);
      S.caseId = data.case_id || null;
      ui.subject.value = ui.tried.value = '';
      if (data.contact) onContact(data.contact);
      connect();
      S.startBusy = false;
      renderAll();
      ui.input.focus();
    } catch (err) {
      S.startBusy = false;
      renderView();
      formError(startErrorText(err));
    }
  }

  function apiError(res, data) {
    const e = (data && data.error) || {};
    const err = new Error(e.message || `HTTP ${res.status}`);
    err.status = res.status;
    err.codes = [e.code, e.reason].filter(Boolean);
    return err;
  }

  function startErrorText(err) {
    const codes = err.codes || [];
    if (codes.includes('bad_signature')) {
      S.identity = null;     // do not block the customer: the next try goes without the sign-in
      return 'We could not confirm your website sign-in. Press "Start chat" again to continue without it.';
    }
    if (codes.includes('origin_not_allowed')) return 'Chat is not available on this website. Please contact us another way.';
    if (!err.status) return 'We could not reach the chat service. Check your connection and try again.';
    if (err.status === 400 || err.status === 422) return `Please check the form: ${err.message}`;
    return `Sorry, the chat could not start (${err.message}). Please try again.`;
  }

  function newChat() {
    resetConversation();
    forgetToken();
    setNotice(null);
    renderAll();
    (ui.name.value ? ui.subject : ui.name).focus();
  }

  /* ---------- menu: transcript and end chat ---------- */

  function toggleMenu(open = !S.menuOpen) {
    S.menuOpen = open;
    if (!open) S.transcriptForm = false;
    renderHeader();
    if (open) ui.menu.querySelector('button').focus();
  }
  function closeMenu() { if (S.menuOpen) toggleMenu(false); }

  async function downloadTranscript() {
    closeMenu();
    try {
      const res = await fetch(cfg.base + '/api/v1/chat/transcript', { headers: { Authorization: 'Bearer ' + S.token } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
      const a = h('a', { href: url, download: `heed-transcript-${S.caseId || 'chat'}.txt`, hidden: true });
      ui.root.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
    } catch (e) {
      setNotice('The transcript could not be downloaded just now. Please try again.');
    }
  }

  function onEmailTranscriptItem() {
    const email = S.me.email || (S.contact && S.contact.notify_email);
    if (email) return emailTranscript(email);
    S.transcriptForm = true;
    renderHeader();
    ui.trEmail.focus();
  }

  async function emailTranscript(email) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email || '')) {
      S.transcriptForm = true;
      renderHeader();
      ui.trEmail.focus();
      setNotice('Please enter a valid email address.');
      return;
    }
    closeMenu();
    try {
      const res = await fetch(cfg.base + '/api/v1/chat/transcript/email', { method: 'POST',
        headers: { Authorization: 'Bearer ' + S.token, 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (!S.me.email) { S.me.email = email; saveMe(); }
      setNotice(`We'll email the transcript to ${email}.`, 'info');
    } catch (e) {
      setNotice('The transcript could not be emailed just now. Please try again.');
    }
  }

  /* ---------- opening, closing, keyboard ---------- */

  function setOpen(open, focus = true) {
    S.open = open;
    if (open) session.set(OPEN_KEY, '1'); else session.del(OPEN_KEY);
    show(ui.panel, open);
    if (!open) { S.menuOpen = false; S.transcriptForm = false; }
    renderAll();
    if (open) {
      scrollDown();
      sendRead();
      const target = !S.token ? (ui.name.value ? ui.subject : ui.name) : isEnded() ? ui.ended.querySelector('button') : ui.input;
      if (focus) target.focus();
    } else if (focus) {
      ui.launcher.focus();
    }
  }

  function onPanelKey(e) {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    if (S.menuOpen) { toggleMenu(false); ui.menuBtn.focus(); } else setOpen(false);
  }

  /* ---------- public API ---------- */

  function identify(info = {}) {
    if (info.id && info.signature) S.identity = { id: String(info.id), signature: String(info.signature) };
    if (info.name && !S.me.name) S.me.name = String(info.name);
    if (info.email && !S.me.email) S.me.email = String(info.email);
    if (ui.form) prefillForm();
  }

  /* ---------- start ---------- */

  function init() {
    build();
    prefillForm();
    renderAll();
    renderNotice();
    if (S.token) {
      connect();                                       // resume: replay from event 0
      if (session.get(OPEN_KEY)) setOpen(true, false);   // as it was before the reload
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') { sendRead(); reconnectNow(); }
    });
    window.addEventListener('online', reconnectNow);
    ui.root.addEventListener('click', (e) => {
      if (S.menuOpen && !e.composedPath().some((n) => n === ui.menu || n === ui.menuBtn)) toggleMenu(false);
    });
  }

  window.HeedChat = {
    version: '1',
    identify,
    open: () => ui.panel && setOpen(true),
    close: () => ui.panel && setOpen(false),
  };

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.panel, .launcher {
  --accent: var(--heed-accent, #1f5fbf);
  --ink: #1d2430; --muted: #5b6676; --line: #e2e6ec; --soft: #f4f6f9;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); text-align: left; letter-spacing: normal;
}
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 58px; height: 58px; border-radius: 50%; border: 0; cursor: pointer;
  background: var(--accent); color: #fff; box-shadow: 0 6px 20px rgba(20, 30, 50, .25);
  display: flex; align-items: center; justify-content: center; padding: 0;
}
.launcher:focus-visible { outline: 3px solid #fff; box-shadow: 0 0 0 6px var(--accent); }
.glyph { width: 24px; height: 20px; border-radius: 10px 10px 10px 2px; border: 2.5px solid #fff; }
.launcher.is-open .glyph { border: 0; width: 18px; height: 18px; border-radius: 0;
  background: linear-gradient(45deg, transparent 44%, #fff 44%, #fff 56%, transparent 56%),
              linear-gradient(-45deg, transparent 44%, #fff 44%, #fff 56%, transparent 56%); }
.unread { position: absolute; top: -2px; right: -2px; min-width: 20px; height: 20px; padding: 0 5px;
  border-radius: 10px; background: #c62828; color: #fff; font-size: 12px; line-height: 20px; text-align: center; }
.panel {
  position: fixed; right: 20px; bottom: 90px; z-index: 2147483000;
  width: min(380px, calc(100vw - 24px)); height: min(620px, calc(100vh - 110px));
  background: #fff; border-radius: 14px; border: 1px solid var(--line);
  box-shadow: 0 12px 40px rgba(20, 30, 50, .22); display: flex; flex-direction: column; overflow: hidden;
}
@media (max-width: 480px) {
  .panel { right: 8px; left: 8px; width: auto; bottom: 84px; top: 8px; height: auto; }
  .launcher { right: 14px; bottom: 14px; }
}
header { display: flex; align-items: center; gap: 4px; padding: 12px 10px 12px 16px;
  background: var(--accent); color: #fff; }
.titles { flex: 1; min-width: 0; }
h2 { margin: 0; font-size: 16px; font-weight: 600; }
.sub { font-size: 13px; opacity: .92; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; background: rgba(255, 255, 255, .2); }
button { font: inherit; color: inherit; cursor: pointer; }
button:disabled { opacity: .55; cursor: default; }
button:focus-visible, input:focus-visible, textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
header button:focus-visible { outline-color: #fff; }
.icon { background: transparent; border: 0; width: 34px; height: 34px; border-radius: 8px; font-size: 20px; line-height: 1; }
header .icon:hover { background: rgba(255, 255, 255, .15); }
.menu { position: absolute; top: 56px; right: 10px; z-index: 2; min-width: 220px; background: #fff;
  border: 1px solid var(--line); border-radius: 10px; box-shadow: 0 8px 24px rgba(20, 30, 50, .18); padding: 6px; }
.menu > button { display: block; width: 100%; text-align: left; background: none; border: 0; padding: 9px 10px; border-radius: 6px; }
.menu > button:hover { background: var(--soft); }
.trform { padding: 6px 10px 8px; display: grid; gap: 6px; font-size: 13px; }
.conn, .notice { margin: 0; padding: 7px 14px; font-size: 13px; border-bottom: 1px solid var(--line); }
.conn { background: #fff8e1; color: #6d4c00; }
.notice { display: flex; align-items: center; gap: 8px; background: #fdecea; color: #8a1c1c; }
.notice[data-kind="info"] { background: #e8f1fd; color: #163f7a; }
.notice span { flex: 1; }
.notice .icon { width: 26px; height: 26px; font-size: 17px; }
.prechat { padding: 16px; overflow-y: auto; display: grid; gap: 12px; align-content: start; }
.intro { margin: 0; color: var(--muted); }
.field { display: grid; gap: 4px; }
label { font-size: 13px; font-weight: 600; }
.hint { color: var(--muted); font-weight: 400; font-size: 13px; margin: 0; }
input, textarea { font: inherit; color: var(--ink); width: 100%; border: 1px solid #c6cdd8; border-radius: 8px;
  padding: 8px 10px; background: #fff; resize: vertical; }
.error { margin: 0; color: #b3261e; font-size: 14px; }
.primary { background: var(--accent); color: #fff; border: 0; border-radius: 8px; padding: 9px 16px; font-weight: 600; }
.small { padding: 6px 10px; border-radius: 6px; border: 1px solid #c6cdd8; background: #fff; }
.link { background: none; border: 0; padding: 0; color: var(--accent); text-decoration: underline; }
.chat { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.status { margin: 10px 12px 0; padding: 10px 12px; border-radius: 10px; background: var(--soft); font-size: 14px; }
.questions .q { font-weight: 600; margin: 4px 0; }
.questions .answers { display: flex; flex-wrap: wrap; gap: 6px; }
.status p { margin: 0 0 4px; }
.status p:last-child { margin-bottom: 0; }
.queue .pos { font-weight: 600; }
.queue .wait { display: flex; flex-direction: column; }
.queue .label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.queue .val { font-size: 17px; font-weight: 600; }
.queue .val::first-letter { text-transform: uppercase; }
.notify { display: grid; gap: 6px; }
.hold { background: #eef4ff; border: 1px solid #cfdcf5; }
.hold .buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.hold .buttons button:not(.primary) { background: #fff; border: 1px solid #c6cdd8; border-radius: 8px; padding: 8px 12px; }
.timer { font-variant-numeric: tabular-nums; }
.timer .clock { font-size: 18px; font-weight: 600; }
.timer .over { color: #8a4b00; }
.messages { flex: 1; overflow-y: auto; list-style: none; margin: 0; padding: 12px; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 82%; display: flex; flex-direction: column; }
.msg.customer { align-self: flex-end; align-items: flex-end; }
.msg.agent { align-self: flex-start; }
.who { font-size: 12px; color: var(--muted); margin: 0 0 2px 4px; }
.bubble { padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.customer .bubble { background: var(--accent); color: #fff; border-bottom-right-radius: 4px; }
.agent .bubble { background: var(--soft); border: 1px solid var(--line); border-bottom-left-radius: 4px; }
.meta { font-size: 11px; color: var(--muted); margin: 2px 4px 0; display: flex; gap: 6px; }
.msg[data-status="error"] .st { color: #b3261e; font-weight: 600; }
.retry { font-size: 12px; color: #b3261e; margin: 2px 4px 0; }
.sys { align-self: center; text-align: center; font-size: 12.5px; color: var(--muted); max-width: 90%; padding: 2px 8px; }
.typing { padding: 0 14px 6px; font-size: 13px; color: var(--muted); font-style: italic; }
.ended { padding: 12px 14px; border-top: 1px solid var(--line); display: grid; gap: 8px; }
.ended p { margin: 0; color: var(--muted); font-size: 14px; }
.composer { display: flex; gap: 8px; align-items: flex-end; padding: 10px 12px; border-top: 1px solid var(--line); }
.composer textarea { resize: none; min-height: 40px; max-height: 140px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (prefers-reduced-motion: no-preference) { .panel { animation: heed-in .16s ease-out; } }
@keyframes heed-in { from { opacity: 0; transform: translateY(8px); } to { opacity: 1; transform: none; } }
`;

  if (document.body) init();
  else document.addEventListener('DOMContentLoaded', init, { once: true });
})();
