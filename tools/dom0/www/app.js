// Xenith's management page: plain JavaScript over the API of docs/api.md.
// Everything shown that comes from the server (domain names, console
// output, error messages) goes in through textContent, never as HTML:
// a guest picks its own console output and, through configs, its name.
'use strict';

const TOKEN_KEY = 'xenith-token';
const REFRESH_MS = 2000;
const CONSOLE_KEEP = 64 * 1024;   // characters kept per console panel
const $ = (id) => document.getElementById(id);

let token = null;
let timer = null;
let domains = [];                 // the last /api/v1/domains answer
let graphDomain = null;           // the domain id whose graphs are shown
const consoles = new Map();       // domain id -> {panel, abort}

class AuthError extends Error {}

// --- token ---------------------------------------------------------------

function takeToken() {
  // #token=... is taken once, kept for this tab only, and removed from the
  // address bar so that it is neither bookmarked nor shown over a shoulder.
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function askToken(message) {
  token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(timer);
  timer = null;
  for (const id of [...consoles.keys()]) closeConsole(id);
  $('app').hidden = true;
  $('logout').hidden = true;
  $('token-form').hidden = false;
  $('host-summary').textContent = 'not connected';
  $('host-summary').dataset.state = 'login';
  if (message) showError(message);
  $('token-input').focus();
}

function start() {
  $('token-form').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

// --- requests ------------------------------------------------------------

function authHeaders(extra) {
  return Object.assign({ Authorization: 'Bearer ' + token }, extra || {});
}

async function failure(r) {
  let msg = r.status + ' ' + r.statusText;
  try {
    const j = await r.json();
    if (j && typeof j.error === 'string') msg = j.error;
  } catch (e) { /* not JSON: the status says it */ }
  if (r.status === 401) {
    askToken('The server refused the token: ' + msg);
    return new AuthError(msg);
  }
  return new Error(msg);
}

async function api(method, path, body) {
  const opts = { method, headers: authHeaders() };
  if (body !== undefined) {
    if (typeof body === 'string') {
      opts.body = body;
      opts.headers['Content-Type'] = 'application/octet-stream';
    } else {
      opts.body = JSON.stringify(body);
      opts.headers['Content-Type'] = 'application/json';
    }
  }
  const r = await fetch(path, opts);
  if (!r.ok) throw await failure(r);
  return r.json();
}

function showError(message) {
  const e = $('error');
  e.textContent = message;
  e.hidden = !message;
}

// --- host and domain table -----------------------------------------------

function mib(kib) { return Math.round(kib / 1024); }

async function refresh() {
  if (!token) return;
  try {
    const [host, list] = await Promise.all([api('GET', '/api/v1/host'), api('GET', '/api/v1/domains')]);
    domains = list.domains;
    showHost(host);
    showDomains(domains);
    $('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
    if (graphDomain !== null) drawGraphs();
  } catch (e) {
    if (!(e instanceof AuthError)) showError('Cannot reach the server: ' + e.message);
    return;
  }
  if ($('error').textContent.startsWith('Cannot reach')) showError('');
}

function showHost(h) {
  const s = $('host-summary');
  s.textContent = `${h.hostname} · ${h.hypervisor} · ${h.nr_cpus} CPUs at ${h.cpu_mhz} MHz · ` +
    `${mib(h.free_memory_kib)} of ${mib(h.total_memory_kib)} MiB free · ${h.domains} domains · ` +
    `up ${formatUptime(h.uptime_s)} · ${h.scheduler}`;
  s.dataset.state = 'ok';
}

function formatUptime(s) {
  s = Math.floor(s);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function cell(tr, col, text) {
  const td = document.createElement('td');
  td.dataset.col = col;
  td.textContent = text;
  tr.appendChild(td);
  return td;
}

function button(label, action, id, cls) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.dataset.action = action;
  b.dataset.domid = id;
  if (cls) b.className = cls;
  return b;
}

// Rows are updated in place, keyed by id: a button being clicked is not
// replaced under the pointer by the next refresh.
function showDomains(list) {
  const body = $('domain-rows');
  const old = new Map([...body.rows].map((tr) => [Number(tr.dataset.domid), tr]));
  for (const d of list) {
    let tr = old.get(d.id);
    old.delete(d.id);
    if (!tr || tr.dataset.domain !== d.name) {
      if (tr) tr.remove();
      tr = document.createElement('tr');
      tr.dataset.domain = d.name;
      tr.dataset.domid = d.id;
      for (const col of ['name', 'id', 'state', 'vcpus', 'memory', 'cpu', 'actions']) cell(tr, col, '');
    }
    const set = (col, text) => {
      const td = tr.querySelector(`td[data-col="${col}"]`);
      if (td.textContent !== String(text)) td.textContent = text;
    };
    set('name', d.name);
    set('id', d.id);
    set('state', d.state);
    set('vcpus', d.max_vcpus > d.vcpus ? `${d.vcpus}/${d.max_vcpus}` : d.vcpus);
    set('memory', mib(d.memory_kib));
    set('cpu', d.cpu_percent.toFixed(1));
    if (tr.dataset.state !== d.state) {
      tr.dataset.state = d.state;
      const actions = tr.querySelector('td[data-col="actions"]');
      actions.replaceChildren();
      if (d.id !== 0) {
        const paused = d.state[2] === 'p';
        actions.append(button(paused ? 'Unpause' : 'Pause', paused ? 'unpause' : 'pause', d.id),
          button('Shutdown', 'shutdown', d.id), button('Reboot', 'reboot', d.id),
          button('Destroy', 'destroy', d.id, 'danger'), button('Console', 'console', d.id));
      }
      actions.append(button('Graphs', 'graphs', d.id));
    }
    body.appendChild(tr);  // in the list's order (dom0 first, by id)
  }
  for (const tr of old.values()) tr.remove();
  // A console whose domain is gone says so (its stream has ended too).
  for (const [id, c] of consoles) {
    if (!list.some((d) => d.id === id)) c.panel.dataset.state = 'gone';
  }
}

async function act(action, id) {
  const d = domains.find((x) => x.id === id);
  const name = d ? d.name : String(id);
  if (action === 'console') return openConsole(id, name);
  if (action === 'graphs') return openGraphs(id, name);
  if (action === 'destroy' && !confirm(`Destroy domain ${name} (id ${id}) now? Its guest gets no warning.`)) return;
  try {
    await api('POST', `/api/v1/domains/${id}/${action}`, action === 'shutdown' || action === 'reboot' ? { wait: false } : undefined);
    showError('');
  } catch (e) {
    if (!(e instanceof AuthError)) showError(`${action} ${name}: ${e.message}`);
  }
  refresh();
}

// --- create --------------------------------------------------------------

function setStatus(state, text) {
  const s = $('create-status');
  s.dataset.state = state;
  s.textContent = text;
}

// XMLHttpRequest rather than fetch: only it reports upload progress.
function upload(form) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', '/api/v1/domains');
    x.setRequestHeader('Authorization', 'Bearer ' + token);
    x.responseType = 'json';
    x.upload.onprogress = (ev) => { if (ev.lengthComputable) $('create-upload').value = ev.loaded / ev.total; };
    x.onload = () => {
      $('create-upload').value = 1;
      if (x.status === 401) askToken('The server refused the token');
      if (x.status >= 200 && x.status < 300) resolve(x.response);
      else reject(new Error((x.response && x.response.error) || `${x.status} ${x.statusText}`));
    };
    x.onerror = () => reject(new Error('the upload failed (connection lost)'));
    x.send(form);
  });
}

async function create(ev) {
  ev.preventDefault();
  const config = $('create-config').value;
  const kernel = $('create-kernel').files[0];
  const ramdisk = $('create-ramdisk').files[0];
  $('create-submit').disabled = true;
  $('create-upload').value = 0;
  $('create-progress').value = 0;
  try {
    let started;
    if (kernel || ramdisk) {
      const form = new FormData();
      form.append('config', config);
      if (kernel) form.append('kernel', kernel, kernel.name);
      if (ramdisk) form.append('ramdisk', ramdisk, ramdisk.name);
      setStatus('uploading', 'uploading…');
      started = await upload(form);
    } else {
      $('create-upload').value = 1;
      started = await api('POST', '/api/v1/domains', { config, extra: [] });
    }
    const op = await follow(started.operation);
    if (op.state === 'done') {
      setStatus('done', `created ${op.domain.name} (id ${op.domain.id})`);
      refresh();
    } else {
      setStatus('failed', 'create failed: ' + op.message);
    }
  } catch (e) {
    setStatus('failed', 'create failed: ' + e.message);
  } finally {
    $('create-submit').disabled = false;
  }
}

async function follow(path) {
  for (;;) {
    const op = await api('GET', path);
    $('create-progress').value = op.progress || 0;
    setStatus('running', `${op.target}: ${op.message} (${Math.round((op.progress || 0) * 100)}%)`);
    if (op.state !== 'running') return op;
    await new Promise((r) => setTimeout(r, 300));
  }
}

// --- consoles ------------------------------------------------------------

function openConsole(id, name) {
  if (consoles.has(id)) {
    consoles.get(id).panel.querySelector('.console-input').focus();
    return;
  }
  const panel = $('console-template').content.firstElementChild.cloneNode(true);
  panel.dataset.console = name;
  panel.dataset.domid = id;
  panel.dataset.state = 'connecting';
  panel.querySelector('.console-title').textContent = `Console of ${name} (id ${id})`;
  const abort = new AbortController();
  consoles.set(id, { panel, abort });
  panel.querySelector('.console-close').onclick = () => closeConsole(id);
  panel.querySelector('.console-form').onsubmit = (ev) => {
    ev.preventDefault();
    const input = panel.querySelector('.console-input');
    const line = input.value + '\n';
    input.value = '';
    api('POST', `/api/v1/domains/${id}/console`, line).catch((e) => {
      if (!(e instanceof AuthError)) append(panel, `\n[input not sent: ${e.message}]\n`);
    });
  };
  $('consoles').appendChild(panel);
  stream(id, panel, abort.signal);
  panel.querySelector('.console-input').focus();
}

function append(panel, text) {
  const out = panel.querySelector('.console-output');
  const atEnd = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
  let all = out.textContent + text;
  if (all.length > CONSOLE_KEEP) all = all.slice(all.length - CONSOLE_KEEP);
  out.textContent = all;
  if (atEnd) out.scrollTop = out.scrollHeight;
}

// fetch() and a stream reader, not EventSource: only fetch sends the
// Authorization header.
async function stream(id, panel, signal) {
  try {
    const r = await fetch(`/api/v1/domains/${id}/console?follow=1`, { headers: authHeaders(), signal });
    if (!r.ok) throw await failure(r);
    panel.dataset.state = 'open';
    const reader = r.body.getReader();
    const text = new TextDecoder('utf-8');
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      append(panel, text.decode(value, { stream: true }));
    }
    append(panel, text.decode() + '\n[console closed: the domain is gone]\n');
    panel.dataset.state = 'ended';
  } catch (e) {
    if (signal.aborted) return;
    append(panel, `\n[console lost: ${e.message}]\n`);
    panel.dataset.state = 'ended';
  }
}

function closeConsole(id) {
  const c = consoles.get(id);
  if (!c) return;
  c.abort.abort();
  c.panel.remove();
  consoles.delete(id);
}

// --- graphs --------------------------------------------------------------

function openGraphs(id, name) {
  graphDomain = id;
  $('graphs').hidden = false;
  $('graphs').dataset.domid = id;
  $('graphs-domain').textContent = name;
  drawGraphs();
}

async function drawGraphs() {
  const id = graphDomain;
  let stats;
  try {
    stats = await api('GET', `/api/v1/domains/${id}/stats`);
  } catch (e) {
    if (!(e instanceof AuthError)) $('graphs-domain').textContent += ` (${e.message})`;
    graphDomain = null;
    return;
  }
  if (id !== graphDomain) return;
  const s = stats.samples || [];
  const d = domains.find((x) => x.id === id);
  const maxMem = Math.max(d ? d.max_memory_kib : 0, ...s.map((p) => p.memory_kib), 1) / 1024;
  plot($('graph-cpu'), s.map((p) => [p.t, p.cpu_percent]), Math.max(100, ...s.map((p) => p.cpu_percent)), '%');
  plot($('graph-mem'), s.map((p) => [p.t, p.memory_kib / 1024]), maxMem, ' MiB');
  $('graphs').dataset.samples = s.length;
}

// A line over [first t, last t] x [0, top], with a grid and labels.
function plot(canvas, points, top, unit) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, left = 52, above = 10, below = 18;
  const ys = (v) => above + (h - above - below) * (1 - Math.min(v / top, 1));
  g.clearRect(0, 0, w, h);
  g.font = '11px sans-serif';
  g.strokeStyle = '#ccd';
  g.fillStyle = '#556';
  g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const v = top * i / 4, y = Math.round(ys(v)) + 0.5;
    g.beginPath(); g.moveTo(left, y); g.lineTo(w, y); g.stroke();
    g.fillText(v.toFixed(top >= 10 ? 0 : 1) + unit, 2, y + 4);
  }
  if (points.length < 2) {
    g.fillText(points.length ? 'one sample so far' : 'no samples yet', left + 8, h / 2);
    return;
  }
  const t0 = points[0][0], t1 = points[points.length - 1][0];
  const span = Math.max(t1 - t0, 1);
  g.fillText(span < 120 ? `last ${Math.round(span)} s` : `last ${Math.round(span / 60)} min`, left, h - 4);
  g.strokeStyle = '#2a62c9';
  g.lineWidth = 2;
  g.beginPath();
  points.forEach(([t, v], i) => {
    const x = left + (w - left) * (t - t0) / span;
    if (i) g.lineTo(x, ys(v)); else g.moveTo(x, ys(v));
  });
  g.stroke();
}

// --- wiring --------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').onsubmit = (ev) => {
    ev.preventDefault();
    token = $('token-input').value.trim();
    $('token-input').value = '';
    sessionStorage.setItem(TOKEN_KEY, token);
    showError('');
    start();
  };
  $('logout').onclick = () => askToken('');
  $('domain-rows').onclick = (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (b) act(b.dataset.action, Number(b.dataset.domid));
  };
  $('create-form').onsubmit = create;
  $('graphs-close').onclick = () => { graphDomain = null; $('graphs').hidden = true; };
  token = takeToken();
  if (token) start(); else askToken('');
});
