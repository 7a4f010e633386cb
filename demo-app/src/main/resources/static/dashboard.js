// The minihttp demo dashboard: receives /actuator/minihttp's JSON once a second over a WebSocket
// (/dashboard/updates; the server pushes, no worker is needed for it), or polls actuator when the
// socket cannot open, and draws the last five minutes on plain canvases. No library, nothing to build. Each chart's <figure> carries the
// latest values as data-* attributes (data-busy, data-max, data-size...), for people and tests.
'use strict';

const WINDOW_MS = 5 * 60 * 1000;
const POLL_MS = 1000;
const COLORS = {
  busy: '#2563eb', queue: '#d97706', requests: '#059669', rejected: '#dc2626',
  exceptions: '#7c3aed', limit: '#6b7280', grid: '#e5e7eb', text: '#6b7280'
};

const samples = []; // {t, ok, busy, max, queue, capacity, rejected, requests, exceptions, byThread}
let actuatorUrl = '/actuator/minihttp';

const $ = (selector) => document.querySelector(selector);

// ---- where actuator answers -------------------------------------------------------------------

async function locateActuator() {
  // Asked of the application once; the page keeps working with the default if that fails.
  try {
    const config = await fetchJson('/dashboard/config');
    const origin = config.managementPort
      ? `${location.protocol}//${location.hostname}:${config.managementPort}`
      : location.origin;
    actuatorUrl = `${origin}${config.actuatorPath || '/actuator'}/minihttp`;
  } catch (e) {
    console.warn('Could not read /dashboard/config; polling', actuatorUrl, e);
  }
  $('#actuator-url').textContent = actuatorUrl;
}

async function fetchJson(url, options = {}) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 3000);
  try {
    const response = await fetch(url, { cache: 'no-store', ...options, signal: abort.signal });
    if (!response.ok) {
      throw new Error(`${response.status} ${response.statusText}`.trim());
    }
    return response.status === 204 ? null : await response.json();
  } finally {
    clearTimeout(timer);
  }
}

// ---- polling ----------------------------------------------------------------------------------

async function poll() {
  const started = Date.now();
  try {
    record(await fetchJson(actuatorUrl));
  } catch (e) {
    samples.push({ t: Date.now(), ok: false });
    setStatus('error', `cannot read ${actuatorUrl}: ${e.message || e}`);
  }
  trim();
  render();
  setTimeout(poll, Math.max(0, POLL_MS - (Date.now() - started)));
}

// ---- pushed updates ---------------------------------------------------------------------------

let pushing = false;

/** Opens the update socket; resolves false when it cannot (the caller then polls). */
function listen() {
  return new Promise((resolve) => {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}/dashboard/updates`);
    } catch (e) {
      resolve(false);
      return;
    }
    socket.onopen = () => {
      pushing = true;
      document.body.dataset.transport = 'websocket';
      resolve(true);
    };
    socket.onmessage = (event) => {
      try {
        record(JSON.parse(event.data));
      } catch (e) {
        samples.push({ t: Date.now(), ok: false });
        setStatus('error', `bad update: ${e.message || e}`);
      }
      trim();
      render();
    };
    socket.onerror = () => resolve(false);
    socket.onclose = () => {
      if (pushing) {
        pushing = false;
        document.body.dataset.transport = 'polling';
        poll(); // the server went away or restarts: poll until the page is reloaded
      }
      resolve(false);
    };
  });
}

function record(body) {
  const s = body.snapshot;
  if (!s) {
    throw new Error('minihttp is not running');
  }
  const byThread = {};
  let exceptions = 0;
  for (const e of body.exceptions || []) {
    byThread[e.thread] = (byThread[e.thread] || 0) + e.count;
    exceptions += e.count;
  }
  const rejected = Object.values(s.rejected || {}).reduce((a, b) => a + b, 0);
  samples.push({
    t: Date.now(), ok: true, busy: s.threadsBusy, max: s.threadsMax, current: s.threadsCurrent,
    queue: s.queueSize, capacity: s.queueCapacity, rejected, requests: s.requests, exceptions, byThread
  });
  showConfig(body.config);
  showWorkers(body.workers || []);
  setStatus('ok', `live · ${pushing ? 'pushed over WebSocket' : 'polled'} · ${new Date().toLocaleTimeString()}`);
}

function trim() {
  const oldest = Date.now() - WINDOW_MS - 2 * POLL_MS;
  while (samples.length && samples[0].t < oldest) {
    samples.shift();
  }
  document.body.dataset.samples = String(samples.length);
}

function setStatus(state, text) {
  const status = $('#status');
  status.dataset.state = state;
  status.textContent = text;
}

// ---- derived series ---------------------------------------------------------------------------

/** Per-second rate of a cumulative counter between consecutive good samples. */
function rate(key) {
  const points = [];
  let previous = null;
  for (const s of samples) {
    if (!s.ok) {
      points.push({ t: s.t, v: null });
      previous = null;
      continue;
    }
    if (previous) {
      const seconds = (s.t - previous.t) / 1000;
      points.push({ t: s.t, v: seconds > 0 ? Math.max(0, s[key] - previous[key]) / seconds : 0 });
    }
    previous = s;
  }
  return points;
}

function series(key) {
  return samples.map((s) => ({ t: s.t, v: s.ok ? s[key] : null }));
}

function latest() {
  for (let i = samples.length - 1; i >= 0; i--) {
    if (samples[i].ok) {
      return samples[i];
    }
  }
  return null;
}

function oldestInWindow() {
  const from = Date.now() - WINDOW_MS;
  return samples.find((s) => s.ok && s.t >= from) || null;
}

// ---- rendering --------------------------------------------------------------------------------

function render() {
  const last = latest();
  if (!last) {
    return;
  }
  const requestRate = rate('requests');
  const rejectRate = rate('rejected');
  const lastValue = (points) => (points.length && points[points.length - 1].v != null ? points[points.length - 1].v : 0);

  setData('#chart-threads', { busy: last.busy, max: last.max, current: last.current });
  setText('#busy-value', last.busy);
  setText('#max-value', last.max);
  drawChart($('#chart-threads canvas'), [{ points: series('busy'), color: COLORS.busy, fill: true }],
    { value: last.max, label: 'max' });

  setData('#chart-queue', { size: last.queue, capacity: last.capacity });
  setText('#queue-value', last.queue);
  setText('#capacity-value', last.capacity);
  drawChart($('#chart-queue canvas'), [{ points: series('queue'), color: COLORS.queue, fill: true }],
    { value: last.capacity, label: 'capacity' });

  setData('#chart-rejections', {
    total: last.rejected, rate: lastValue(rejectRate).toFixed(1), requestsRate: lastValue(requestRate).toFixed(1)
  });
  setText('#rejected-value', last.rejected);
  drawChart($('#chart-rejections canvas'), [
    { points: requestRate, color: COLORS.requests },
    { points: rejectRate, color: COLORS.rejected, fill: true }
  ]);

  const base = oldestInWindow() || last;
  let inWindow = 0;
  const perThread = Object.keys(last.byThread).map((thread) => {
    const count = last.byThread[thread] - (base.byThread[thread] || 0);
    inWindow += count;
    return { thread, count, total: last.byThread[thread] };
  });
  setData('#chart-exceptions', { total: last.exceptions, window: inWindow });
  setText('#exceptions-value', last.exceptions);
  drawChart($('#chart-exceptions canvas'), [{ points: rate('exceptions'), color: COLORS.exceptions, fill: true }]);
  drawBars(perThread);
}

function setData(selector, values) {
  const element = $(selector);
  for (const [key, value] of Object.entries(values)) {
    element.dataset[key] = String(value);
  }
}

function setText(selector, value) {
  $(selector).textContent = String(value);
}

/**
 * A line chart of the recent past, right edge = now: the span grows from one minute to five as
 * samples accumulate. Null values leave a gap. The limit (pool size, queue capacity) is a dashed
 * line across the whole chart, labelled at its left end, under the data.
 */
function drawChart(canvas, lines, limit) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const g = canvas.getContext('2d');
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, width, height);

  const left = 34, right = 6, top = 8, bottom = 18;
  const plotW = width - left - right, plotH = height - top - bottom;
  const now = Date.now();
  const span = Math.min(WINDOW_MS, Math.max(60000, samples.length ? now - samples[0].t : 0));
  const from = now - span;
  let peak = limit ? limit.value : 0;
  for (const line of lines) {
    for (const p of line.points) {
      if (p.v != null && p.t >= from) {
        peak = Math.max(peak, p.v);
      }
    }
  }
  const axis = niceAxis(peak * 1.1);
  const yMax = axis.max;
  const x = (t) => left + plotW * (t - from) / span;
  const y = (v) => top + plotH * (1 - v / yMax);

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = COLORS.text;
  g.strokeStyle = COLORS.grid;
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let v = 0; v <= yMax + 1e-9; v += axis.step) {
    const py = Math.round(y(v)) + 0.5;
    g.beginPath();
    g.moveTo(left, py);
    g.lineTo(width - right, py);
    g.stroke();
    g.fillText(formatTick(v), left - 4, py);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const tickEvery = span <= 60000 ? 10000 : span <= 180000 ? 30000 : 60000;
  for (let ago = 0; ago <= span; ago += tickEvery) {
    const px = x(now - ago);
    const label = ago === 0 ? 'now' : ago % 60000 === 0 ? `-${ago / 60000}m` : `-${ago / 1000}s`;
    g.fillText(label, Math.min(Math.max(px, left + 10), width - right - 12), top + plotH + 4);
  }

  if (limit) {
    const py = Math.round(y(limit.value)) + 0.5;
    g.strokeStyle = COLORS.limit;
    g.lineWidth = 1.5;
    g.setLineDash([6, 4]);
    g.beginPath();
    g.moveTo(left, py);
    g.lineTo(width - right, py);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = COLORS.limit;
    g.textAlign = 'left';
    g.textBaseline = 'bottom';
    g.fillText(`${limit.label} ${limit.value}`, left + 4, py - 2);
  }

  g.save();
  g.beginPath();
  g.rect(left, top - 2, plotW, plotH + 4);
  g.clip();
  for (const line of lines) {
    drawLine(g, line, line.points.filter((p) => p.t >= from - 2 * POLL_MS), x, y);
  }
  g.restore();
}

function drawLine(g, line, points, x, y) {
  g.strokeStyle = line.color;
  g.fillStyle = line.color;
  g.lineWidth = 2;
  let segment = [];
  const flush = () => {
    if (segment.length === 0) {
      return;
    }
    if (line.fill && segment.length > 1) {
      g.beginPath();
      g.moveTo(x(segment[0].t), y(0));
      segment.forEach((p) => g.lineTo(x(p.t), y(p.v)));
      g.lineTo(x(segment[segment.length - 1].t), y(0));
      g.closePath();
      g.globalAlpha = 0.15;
      g.fill();
      g.globalAlpha = 1;
    }
    g.beginPath();
    segment.forEach((p, i) => (i === 0 ? g.moveTo(x(p.t), y(p.v)) : g.lineTo(x(p.t), y(p.v))));
    if (segment.length === 1) {
      g.lineTo(x(segment[0].t) + 2, y(segment[0].v));
    }
    g.stroke();
    segment = [];
  };
  for (const p of points) {
    if (p.v == null) {
      flush();
    } else {
      segment.push(p);
    }
  }
  flush();
}

/** Grid lines at a round step (1, 2, 5 x 10^k), at most six of them above zero, at least up to 4. */
function niceAxis(top) {
  const target = Math.max(top, 4);
  let magnitude = Math.pow(10, Math.floor(Math.log10(target / 6)));
  for (;;) {
    for (const step of [1, 2, 5].map((m) => m * magnitude)) {
      if (step >= 1 && Math.ceil(target / step) <= 6) {
        return { step, max: step * Math.ceil(target / step) };
      }
    }
    magnitude *= 10;
  }
}

function formatTick(v) {
  return v >= 1000 ? `${(v / 1000).toFixed(v % 1000 === 0 ? 0 : 1)}k` : String(Math.round(v * 10) / 10);
}

/** One bar per worker thread that threw in the window, longest first. */
function drawBars(perThread) {
  const container = $('#exception-bars');
  const rows = perThread.filter((r) => r.count > 0).sort((a, b) => b.count - a.count || threadOrder(a, b));
  container.replaceChildren();
  if (rows.length === 0) {
    const empty = document.createElement('div');
    empty.className = 'empty';
    empty.textContent = 'No exceptions in the last 5 minutes. Try "Throw one exception".';
    container.append(empty);
    return;
  }
  const peak = rows[0].count;
  const shown = rows.slice(0, 8);
  for (const row of shown) {
    const name = document.createElement('span');
    name.className = 'thread';
    name.textContent = row.thread;
    const track = document.createElement('div');
    track.className = 'track';
    const fill = document.createElement('div');
    fill.className = 'fill';
    fill.style.width = `${(100 * row.count / peak).toFixed(1)}%`;
    track.append(fill);
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = String(row.count);
    const wrapper = [name, track, count];
    wrapper.forEach((el) => {
      el.dataset.thread = row.thread;
    });
    count.dataset.count = String(row.count);
    count.classList.add('exception-count');
    container.append(...wrapper);
  }
  if (rows.length > shown.length) {
    const more = document.createElement('div');
    more.className = 'empty';
    more.textContent = `and ${rows.length - shown.length} more threads`;
    container.append(more);
  }
}

function threadOrder(a, b) {
  return a.thread.localeCompare(b.thread, undefined, { numeric: true });
}

let configShown = false;

function showConfig(config) {
  if (!config || configShown) {
    return;
  }
  configShown = true;
  const mib = (bytes) => `${Math.round(bytes / 1048576)} MiB`;
  $('#config').innerHTML =
    `<b>${config.threads}</b> ${config.virtualThreads ? 'virtual' : 'platform'} worker threads · ` +
    `queue capacity <b>${config.queueCapacity}</b> · queue timeout <b>${config.queueTimeout}</b> · ` +
    `max connections <b>${config.maxConnections}</b> · max body <b>${mib(config.maxRequestBodySize)}</b> · ` +
    `head timeout <b>${config.requestHeadTimeout}</b>`;
}

function showWorkers(workers) {
  const busy = workers.filter((w) => w.state === 'busy')
    .sort((a, b) => (b.elapsedMillis || 0) - (a.elapsedMillis || 0));
  const body = $('#workers tbody');
  body.replaceChildren(...busy.map((w) => {
    const tr = document.createElement('tr');
    tr.dataset.thread = w.thread;
    for (const [text, cls] of [[w.thread, ''], [`${w.method} ${w.path}`, ''], [`${w.elapsedMillis} ms`, 'num']]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) {
        td.className = cls;
      }
      tr.append(td);
    }
    return tr;
  }));
  $('#workers-summary').textContent =
    `· ${busy.length} busy, ${workers.length - busy.length} idle` + (busy.length ? '' : ' (nothing running)');
}

// ---- controls ---------------------------------------------------------------------------------

let loadTimer = null;

async function generateLoad(event) {
  event.preventDefault();
  const form = new URLSearchParams(new FormData($('#load-form')));
  const status = $('#load-status');
  try {
    const run = await fetchJson(`/load?${form}`, { method: 'POST' });
    const p = run.plan;
    const ends = run.startedAtMillis + p.seconds * 1000;
    status.dataset.state = 'running';
    clearInterval(loadTimer);
    const tick = () => {
      const left = Math.max(0, Math.ceil((ends - Date.now()) / 1000));
      status.textContent = left > 0
        ? `Load running: ${p.concurrency} clients calling /slow?ms=${p.ms} (${p.failPercent}% /fail), ${left} s left`
        : `Load finished: ${p.concurrency} clients for ${p.seconds} s. The pool drains and the charts settle.`;
      if (left === 0) {
        status.dataset.state = 'done';
        clearInterval(loadTimer);
      }
    };
    tick();
    loadTimer = setInterval(tick, 500);
  } catch (e) {
    status.dataset.state = 'error';
    status.textContent = `Could not start load: ${e.message || e} (a 503 means the pool is saturated already)`;
  }
}

async function throwOnce() {
  try {
    await fetch('/fail', { cache: 'no-store' });
  } catch (e) {
    console.warn('/fail', e);
  }
}

function showOrigins() {
  document.querySelectorAll('.app-origin').forEach((el) => {
    el.textContent = location.origin;
  });
}

document.addEventListener('DOMContentLoaded', async () => {
  showOrigins();
  $('#load-form').addEventListener('submit', generateLoad);
  $('#throw-once').addEventListener('click', throwOnce);
  window.addEventListener('resize', render);
  await locateActuator();
  if (!(await listen())) {
    document.body.dataset.transport = 'polling';
    poll();
  }
});
