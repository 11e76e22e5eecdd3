// LayerSwap dashboard: polls /layerswap/api/overview and drives the actions through the REST API.
'use strict';

const api = (path) => 'api/' + path;
let csrfToken = '';
let charts = {};
let isAdmin = false;
let shownBindings = null;
const history = { labels: [], maxScore: [], aboveThreshold: [], threshold: [] };

function el(id) { return document.getElementById(id); }
function text(id, value) { el(id).textContent = value; }
function bytes(n) {
  if (n == null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0; let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return v.toFixed(v >= 10 || i === 0 ? 0 : 1) + ' ' + units[i];
}
function show(message, isError) {
  const m = el('message');
  m.textContent = message; m.hidden = !message;
  m.className = 'message' + (isError ? ' error' : '');
}

// One request to the API: a 401 goes to the login page, any other failure throws the server's error message.
async function request(path, init) {
  const r = await fetch(api(path), { credentials: 'same-origin', ...init });
  if (r.status === 401) { location.href = 'login'; throw new Error('login required'); }
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function getJson(path) {
  return request(path, {});
}

// A change (admin role and CSRF proof): a form POST, or with send a JSON body (DELETE takes its arguments in the query).
function post(path, params) {
  return change('POST', path, 'application/x-www-form-urlencoded', new URLSearchParams(params));
}

function send(method, path, json) {
  return change(method, path, 'application/json', json === undefined ? undefined : JSON.stringify(json));
}

function change(method, path, contentType, body) {
  return request(path, { method, headers: { 'X-CSRF-Token': csrfToken, 'Content-Type': contentType }, body });
}

function fillTable(id, rows) {
  const tbody = el(id).querySelector('tbody');
  tbody.replaceChildren(...rows.map(cells => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      if (c instanceof Node) td.appendChild(c);
      else if (typeof c === 'object' && c !== null) { td.textContent = c.text; if (c.cls) td.className = c.cls; if (c.title) td.title = c.title; }
      else td.textContent = c;
      tr.appendChild(td);
    }
    return tr;
  }));
}

function renderFeedback(controller, experiment) {
  if (controller.available) {
    text('controller-status', 'phase ' + controller.phase + ' · ' + controller.decisions + ' decisions, ' + controller.changes
      + ' changes, ' + controller.windowsClosed + ' windows evaluated');
    const h = controller.history.slice().reverse();
    charts.controller.data.labels = h.map(c => new Date(c.time).toLocaleTimeString());
    charts.controller.data.datasets[0].data = h.map(c => c.to);
    charts.controller.update();
    fillTable('controller-table', controller.history.slice(0, 8).map(c => [new Date(c.time).toLocaleTimeString(),
      { text: c.from.toFixed(3), cls: 'num' }, { text: c.to.toFixed(3), cls: 'num' },
      { text: c.objectiveBefore.toFixed(1) + ' → ' + c.objectiveAfter.toFixed(1), cls: 'num' }, c.reason]));
  } else {
    text('controller-status', 'no feedback loop');
  }
  if (experiment.available) {
    const r = experiment.running || experiment.finished[0];
    text('experiment-report', r ? r.text : 'no experiment yet');
  }
}

async function refreshSlow() {
  try {
    const [controller, experiment, functions, replays, cluster, containerd] = await Promise.all([getJson('controller?limit=50'),
      getJson('experiment'), getJson('functions'), getJson('replays'), getJson('cluster'), getJson('containerd')]);
    renderFeedback(controller, experiment);
    renderCluster(cluster);
    renderContainerd(containerd);
    if (functions.available) {
      fillTable('functions-table', functions.functions.map(f => [f.function, { text: f.layers, cls: 'num' },
        { text: f.resident + '/' + f.layers, cls: 'num' }, { text: f.invocations, cls: 'num' }, { text: f.probability.toFixed(3), cls: 'num' }]));
    }
    fillTable('replays-table', replays.map(j => [j.id, j.trace, { text: j.state, cls: j.state === 'failed' ? 'bad' : '' },
      j.state === 'running' ? j.phase + ' ' + j.percent + '%' : '', j.state === 'done' ? 'report.md' : j.error]));
    const done = replays.find(j => j.state === 'done');
    if (done) {
      text('replay-headline', done.headline);
      const img = el('replay-chart');
      const src = 'api/replays/' + done.id + '/policies.png';
      if (img.getAttribute('src') !== src) img.src = src;
      img.hidden = false;
    }
  } catch (e) { /* the fast poll reports connectivity */ }
}

function makeCharts() {
  charts.controller = new Chart(el('controller-chart'), {
    type: 'line',
    data: { labels: [], datasets: [{ label: 'threshold decided by the controller', data: [], borderColor: '#c7512b', stepped: true }] },
    options: { scales: { y: { min: 0, max: 1 } } }
  });
  Chart.defaults.animation = false;
  charts.scores = new Chart(el('scores-chart'), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'P(needed within window)', data: [], backgroundColor: '#2f6fad' }] },
    options: { indexAxis: 'y', scales: { x: { min: 0, max: 1 } }, plugins: { legend: { display: false } } }
  });
  charts.history = new Chart(el('history-chart'), {
    type: 'line',
    data: { labels: history.labels, datasets: [
      { label: 'max score', data: history.maxScore, borderColor: '#2f6fad', yAxisID: 'p' },
      { label: 'threshold', data: history.threshold, borderColor: '#c7512b', borderDash: [6, 4], yAxisID: 'p' },
      { label: 'layers ≥ threshold', data: history.aboveThreshold, borderColor: '#1c7c3a', yAxisID: 'n' }] },
    options: { scales: { p: { min: 0, max: 1, position: 'left' }, n: { min: 0, position: 'right', grid: { display: false } } } }
  });
  charts.storage = new Chart(el('storage-chart'), {
    type: 'doughnut',
    data: { labels: ['used', 'free'], datasets: [{ data: [0, 1], backgroundColor: ['#2f6fad', '#dde3ea'] }] }
  });
}

function render(o) {
  text('updated', 'updated ' + new Date(o.time).toLocaleTimeString());
  const p = o.predictions;
  text('predictor-active', p.available ? p.predictor : 'no profiler');
  text('window', p.available ? 'window ' + Math.round(p.windowMillis / 1000) + ' s' : '');
  text('scored-count', p.available ? p.scored : '–');
  const top = p.available ? p.top : [];
  charts.scores.data.labels = top.map(s => s.short);
  charts.scores.data.datasets[0].data = top.map(s => s.score);
  charts.scores.update();

  const t = o.threshold;
  text('threshold-value', t.available ? t.threshold.toFixed(2) : 'no swap manager');
  text('threshold-recommended', (t.auto ? 'auto · ' : 'fixed · ') + (t.recommended != null ? 'controller recommends ' + t.recommended.toFixed(2) : ''));
  const thr = t.available ? t.threshold : null;
  history.labels.push(new Date(o.time).toLocaleTimeString());
  history.maxScore.push(top.length ? top[0].score : 0);
  history.threshold.push(thr);
  history.aboveThreshold.push(thr == null ? 0 : top.filter(s => s.score >= thr).length);
  if (history.labels.length > 120) for (const k in history) history[k].shift();
  charts.history.update();

  const l = o.layers;
  if (l.available) {
    text('storage-used', bytes(l.usedBytes));
    text('storage-budget', 'of ' + bytes(l.budgetBytes) + ' · ' + l.hits + ' hits / ' + l.misses + ' misses');
    charts.storage.data.datasets[0].data = [l.usedBytes, Math.max(0, l.budgetBytes - l.usedBytes)];
    charts.storage.update();
    fillTable('layers-table', l.resident.map(r => [r.short, { text: bytes(r.sizeBytes), cls: 'num' },
      { text: bytes(r.unpackedBytes), cls: 'num' }, { text: r.score.toFixed(3), cls: 'num' }, { text: r.refCount, cls: 'num' }]));
  } else {
    text('storage-used', 'no layer store');
  }

  const s = o.swaps;
  if (s.available) {
    const ok = s.swaps.filter(x => ['SUCCEEDED', 'PROMOTED'].includes(x.outcome)).length;
    text('swap-count', s.swaps.length);
    text('swap-outcomes', ok + ' succeeded · ' + (s.swaps.length - ok) + ' other');
    fillTable('swaps-table', s.swaps.map(x => [x.id, x.function, x.mode,
      { text: x.outcome, cls: ['FAILED', 'ROLLED_BACK'].includes(x.outcome) ? 'bad' : 'ok' },
      { text: (x.durationMicros / 1000).toFixed(2) + ' ms', cls: 'num' }, x.detail]));
  } else {
    text('swap-count', 'no swap manager');
  }

  renderPrefetches(o.prefetches);

  fillTable('services-table', o.status.services.map(x => [x.contract, x.name ?? '–', x.ranking ?? 0, x.bundle]));
}

function ms(micros) { return (micros / 1000).toFixed(micros < 10000 ? 2 : 0) + ' ms'; }

function renderPrefetches(p) {
  if (!p || !p.available) { text('prefetch-summary', 'no swap manager'); return; }
  const failed = p.recent.filter(r => r.outcome !== 'SUCCEEDED').length;
  text('prefetch-summary', p.inFlight.length + ' in flight · last ' + p.recent.length + ' finished, ' + failed + ' failed');
  const b = p.budget;
  text('prefetch-budget', !b || !(b.budgetVsLru > 0) ? 'Bandwidth budget: off'
    : 'Bandwidth budget ' + b.budgetVsLru.toFixed(2) + "x LRU's bytes · "
      + (b.ratioToLru == null ? 'no invocation seen yet' : 'fetched ' + b.ratioToLru.toFixed(2) + 'x recently') + ' · '
      + (b.periodRatioToLru == null ? '' : b.periodRatioToLru.toFixed(2) + 'x since start'
        + (b.periodRatioToLru < 1 + (b.budgetVsLru - 1) / 2 ? ' (lending)' : '') + ' · ')
      + (b.bytePrice > 0 ? 'a fetched byte costs ' + b.bytePrice.toExponential(2) + ' misses' : 'no byte price'));
  const score = r => ({ text: r.score == null ? '–' : r.score.toFixed(3), cls: 'num' });
  fillTable('inflight-table', p.inFlight.map(r => [r.id, { text: r.short, title: r.layer }, r.function || '–', r.priority, score(r), r.state,
    { text: ms(r.waitedMicros), cls: 'num' }, { text: bytes(r.bytes), cls: 'num' }]));
  fillTable('prefetches-table', p.recent.map(r => [r.id, { text: r.short, title: r.layer }, r.function || '–', r.priority, score(r),
    { text: r.outcome, cls: r.outcome === 'SUCCEEDED' ? 'ok' : 'bad' }, { text: ms(r.durationMicros), cls: 'num' },
    { text: bytes(r.bytes), cls: 'num' }, r.detail]));
}

function renderExecutions(x) {
  if (!x.available) { text('executions-summary', 'executor unavailable: ' + x.unavailableReason); }
  else {
    const failed = x.recent.filter(r => r.status !== 'SUCCEEDED').length;
    const cold = x.recent.filter(r => r.onDemandLayers > 0).length;
    text('executions-summary', x.executor + ' · last ' + x.recent.length + ': ' + failed + ' not succeeded, ' + cold + ' waited for layers');
  }
  const num = v => ({ text: ms(v), cls: 'num' });
  fillTable('executions-table', x.recent.map(r => [r.id, r.function,
    { text: r.status + (r.exitCode >= 0 ? ' (' + r.exitCode + ')' : ''), cls: r.status === 'SUCCEEDED' ? 'ok' : 'bad' },
    { text: String(r.onDemandLayers), cls: 'num' }, num(r.coldStart.layerWaitMicros), num(r.coldStart.mountMicros),
    num(r.coldStart.processStartMicros), num(r.coldStart.executionMicros), num(r.coldStart.toFirstInstructionMicros), r.detail]));
}

function renderCluster(c) {
  if (!c.enabled) {
    text('cluster-summary', c.installed ? 'cluster off: a single node (enabled=false in org.layerswap.cluster)' : 'cluster bundle not installed');
    fillTable('cluster-table', []);
    return;
  }
  const k = c.counters;
  text('cluster-summary', c.clusterName + ' · ' + c.members.length + ' member(s) · this node: served ' + k.served + ', fetched ' + k.fetched
    + ', refused ' + k.refused + ', registry pulls ' + k.registryPulls + ', fallbacks ' + k.fallbacks);
  fillTable('cluster-table', c.members.map(m => [m.local ? '*' : '', m.uuid, m.address, { text: m.partitions, cls: 'num' },
    { text: m.layers.length, cls: 'num' }]));
}

// The containerd proxy snapshotter (GET /api/containerd); the panel stays hidden unless its feature is installed.
function renderContainerd(d) {
  el('containerd-panel').hidden = !d.installed;
  if (!d.installed) return;
  const learning = !d.learning ? 'learning off' : (d.connected ? 'learning: connected to containerd' : 'learning: not connected to containerd');
  text('containerd-summary', (d.serving ? 'serving on ' + d.socket : 'not serving (enabled=false in org.layerswap.containerd)') + ' · ' + learning);
  const kinds = Object.entries(d.snapshots).map(([kind, n]) => n + ' ' + kind.toLowerCase()).join(', ');
  text('containerd-counters', 'snapshots: ' + kinds + ' · handshakes: ' + d.handshakes.hits + ' hit, ' + d.handshakes.misses + ' missed'
    + ' · events: ' + d.events.seen + ' seen, ' + d.events.mapped + ' mapped, ' + d.events.dropped + ' dropped'
    + ' · images known ' + d.imagesKnown + ' · layers registered ' + d.layersRegistered + ', leased now ' + d.leasedLayers
    + ', registration failures ' + d.registrationFailures + ' · image records created ' + d.imageRecordCount);
  fillTable('containerd-table', d.registrations.map(r => [r.namespace, r.image, { text: r.layers, cls: 'num' }, r.lease,
    new Date(r.atMillis).toLocaleTimeString()]));
}

// Parameter-selected data layers (GET/POST/DELETE /api/bindings, the same checks as layerswap:bind/unbind/bindings).
async function refreshBindings() {
  try {
    const b = await getJson('bindings');
    const shown = JSON.stringify(b.bindings);
    if (shown === shownBindings) return; // unchanged: keep the rows (and their buttons) as they are
    shownBindings = shown;
    text('bindings-summary', b.bindings.length + ' binding(s): an invocation whose parameter has the value mounts the data layers');
    fillTable('bindings-table', b.bindings.map(x => {
      const unbind = document.createElement('button');
      unbind.textContent = 'Unbind';
      unbind.disabled = !isAdmin;
      unbind.onclick = () => changeBindings('DELETE', 'bindings?' + new URLSearchParams({ function: x.function, param: x.param, value: x.value }),
        undefined, r => 'Unbound ' + r.function + ': ' + r.param + '=' + r.value);
      return [x.function, x.param, x.value, x.reference, { text: x.layers.map(l => l.replace(/^sha256:/, '').slice(0, 12)).join(' '),
        title: x.layers.join('\n') }, unbind];
    }));
  } catch (e) { shownBindings = null; text('bindings-summary', e.message); }
}

async function changeBindings(method, path, json, done) {
  try { show(done(await send(method, path, json)), false); } catch (e) { show(e.message, true); }
  await refreshBindings();
}

async function placeFunction() {
  try {
    const p = await getJson('cluster/place?function=' + encodeURIComponent(el('place-function').value));
    text('place-output', p.function + ' -> ' + p.address + ' (at most ' + p.capacity + ' of ' + p.functions + ' functions per member)');
  } catch (e) { text('place-output', e.message); }
}

async function refreshChoices() {
  const [preds, backends] = await Promise.all([getJson('predictors'), getJson('backends')]);
  const ps = el('predictor-select');
  ps.replaceChildren(...preds.predictors.map(x => new Option(x.name + (x.active ? ' (active)' : ''), x.name, false, x.active)));
  const bs = el('backend-select');
  bs.replaceChildren(new Option('auto', 'auto'), ...backends.backends.map(x =>
    new Option(x.name + (x.available ? '' : ' (unavailable)'), x.name, false, x.name === backends.configured)));
  text('backend-active', backends.configured || 'auto');
  const unavailable = backends.backends.filter(x => !x.available).map(x => x.name + ': ' + x.unavailableReason);
  text('backend-reason', unavailable.join('; '));
}

async function tick() {
  try { render(await getJson('overview?k=15')); renderExecutions(await getJson('executions?limit=15')); }
  catch (e) { show('Cannot reach the appliance: ' + e.message, true); }
}

async function act(path, params, done) {
  try { const r = await post(path, params); show(done(r), false); await refreshChoices(); await tick(); await refreshSlow(); }
  catch (e) { show(e.message, true); }
}

async function main() {
  const session = await getJson('session');
  csrfToken = session.csrfToken;
  el('logout-csrf').value = csrfToken;
  text('user', session.user + (session.admin ? ' (admin)' : ' (read-only)'));
  isAdmin = session.admin;
  if (!session.admin) for (const b of document.querySelectorAll('.actions button')) b.disabled = true;
  makeCharts();
  el('place-run').onclick = placeFunction;
  el('bind-run').onclick = () => changeBindings('POST', 'bindings', { function: el('bind-function').value,
    param: el('bind-param').value, value: el('bind-value').value, reference: el('bind-reference').value },
    r => 'Bound ' + r.function + ': ' + r.param + '=' + r.value + ' -> ' + r.layers.length + ' data layer(s)');
  el('predictor-use').onclick = () => act('predictor', { name: el('predictor-select').value }, r => 'Predictor set to ' + r.predictor);
  el('backend-use').onclick = () => act('backend', { name: el('backend-select').value }, r => 'Backend set to ' + r.backend);
  el('threshold-set').onclick = () => act('threshold', { value: el('threshold-input').value }, r => 'Threshold set to ' + r.threshold);
  el('threshold-auto').onclick = () => act('threshold', { value: 'auto' }, r => 'Threshold handed to the controller');
  el('experiment-start').onclick = () => act('experiment', { action: 'start', name: el('experiment-name').value,
    by: el('experiment-by').value, share: el('experiment-share').value }, r => 'Experiment ' + r.started + ' started');
  el('experiment-stop').onclick = () => act('experiment', { action: 'stop' }, r => r.stopped ? 'Experiment stopped: ' + r.stopped.verdict : 'No experiment was running');
  el('replay-run').onclick = () => act('replay', { trace: el('replay-trace').value, budget: el('replay-budget').value },
    r => 'Replay #' + r.id + ' queued');
  el('invoke-run').onclick = async () => {
    const params = new URLSearchParams({ function: el('invoke-function').value });
    for (const kv of el('invoke-params').value.split(/\s+/).filter(Boolean)) params.append('param', kv);
    try {
      const r = await post('invoke', params);
      el('invoke-output').textContent = r.status + (r.exitCode >= 0 ? ' (exit ' + r.exitCode + ')' : '') + ' ' + r.detail
        + '\n' + r.stdout + (r.stderr ? '\n[stderr]\n' + r.stderr : '');
      show('Execution #' + r.id + ' of ' + r.function + ': ' + r.status, r.status !== 'SUCCEEDED');
      await tick();
    } catch (e) { show(e.message, true); }
  };
  await refreshChoices().catch(e => show(e.message, true));
  await tick();
  setInterval(tick, 2000);
  await refreshSlow();
  setInterval(refreshSlow, 3000);
  await refreshBindings();
  setInterval(refreshBindings, 5000);
  setInterval(() => refreshChoices().catch(() => {}), 10000);
}

main().catch(e => show(e.message, true));
