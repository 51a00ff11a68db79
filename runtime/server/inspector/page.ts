/**
 * The inspector page served at /__enfyra: recent requests, live (server-sent
 * events from /__enfyra/events), and for the selected one its chain steps
 * with timings, logs, warnings, effects, cache and table changes, and the
 * error with its code frame. Plain DOM, no build step; every value is shown
 * with textContent.
 */
export const INSPECTOR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>enfyra-run inspector</title>
<style>
  :root { font: 13px/1.45 system-ui, sans-serif; color: #1f2328; }
  body { margin: 0; display: grid; grid-template-columns: minmax(320px, 40%) 1fr; grid-template-rows: auto 1fr; height: 100vh; }
  header { grid-column: 1 / 3; padding: 8px 12px; background: #24292f; color: #fff; display: flex; gap: 16px; align-items: baseline; }
  header h1 { font-size: 15px; margin: 0; }
  #connection { color: #8c959f; }
  #problems { grid-column: 1 / 3; }
  #problems:empty { display: none; }
  .problem { background: #ffebe9; color: #82071e; padding: 4px 12px; font-family: ui-monospace, monospace; white-space: pre-wrap; }
  #list { overflow: auto; border-right: 1px solid #d0d7de; }
  #list table { width: 100%; border-collapse: collapse; }
  #list td { padding: 4px 8px; border-bottom: 1px solid #eaeef2; white-space: nowrap; }
  #list tr { cursor: pointer; }
  #list tr.selected { background: #ddf4ff; }
  .status-ok { color: #1a7f37; font-weight: 600; }
  .status-err { color: #cf222e; font-weight: 600; }
  #detail { overflow: auto; padding: 12px 16px; }
  #detail h2 { font-size: 14px; margin: 0 0 8px; }
  #detail h3 { font-size: 13px; margin: 16px 0 4px; }
  pre { background: #f6f8fa; padding: 8px; margin: 0; overflow: auto; font: 12px/1.4 ui-monospace, monospace; }
  .empty { color: #8c959f; }
  table.steps td, table.changes td { padding: 2px 8px 2px 0; vertical-align: top; }
  .muted { color: #57606a; }
</style>
</head>
<body>
<header><h1>enfyra-run inspector</h1><span id="connection" data-testid="connection">connecting…</span><span id="count" class="muted"></span></header>
<div id="problems" data-testid="problems"></div>
<div id="list"><table><tbody id="rows" data-testid="request-list"></tbody></table></div>
<div id="detail" data-testid="detail"><p class="empty">Send a request to the dev server; it shows up here.</p></div>
<script>
(() => {
  const traces = new Map();
  let selected = null;
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v; else node.setAttribute(k, v);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
    return node;
  };
  const json = (value) => JSON.stringify(value, null, 2);
  const section = (title, testid, content) => {
    const box = el('section', { 'data-testid': testid }, el('h3', {}, title));
    box.append(content);
    return box;
  };
  const emptyOr = (list, render) => (list && list.length ? render(list) : el('p', { class: 'empty' }, 'none'));

  function row(trace) {
    const ok = trace.status < 400;
    const tr = el('tr', { 'data-testid': 'request-row', 'data-id': String(trace.id), 'data-status': String(trace.status) },
      el('td', { class: ok ? 'status-ok' : 'status-err' }, trace.status),
      el('td', {}, trace.method),
      el('td', {}, trace.url),
      el('td', { class: 'muted' }, trace.durationMs + ' ms'));
    tr.addEventListener('click', () => select(trace.id));
    return tr;
  }

  function select(id) {
    selected = id;
    for (const tr of $('rows').children) tr.classList.toggle('selected', tr.dataset.id === String(id));
    render(traces.get(id));
  }

  function render(t) {
    const d = $('detail');
    d.replaceChildren();
    if (!t) return;
    d.append(el('h2', { 'data-testid': 'detail-title' }, t.method + ' ' + t.url + ' → ' + t.status));
    d.append(el('p', { class: 'muted' }, 'route ' + (t.route || '(none)') + ' · user ' + (t.userId === null ? 'anonymous' : t.userId) + ' · ' + t.durationMs + ' ms · ' + t.startedAt));
    if (t.error) {
      const box = el('div', {}, el('pre', { 'data-testid': 'error-message' }, '[' + t.error.statusCode + ' ' + t.error.code + '] ' + (Array.isArray(t.error.message) ? t.error.message.join('; ') : t.error.message)));
      if (t.error.location) box.append(el('p', { 'data-testid': 'error-location' }, t.error.location.file + ':' + t.error.location.line + (t.error.location.column ? ':' + t.error.location.column : '')));
      if (t.error.codeFrame) box.append(el('pre', { 'data-testid': 'code-frame' }, t.error.codeFrame));
      d.append(section('Error', 'error', box));
    }
    d.append(section('Chain', 'steps', emptyOr(t.steps, (steps) => {
      const table = el('table', { class: 'steps' });
      for (const s of steps) {
        table.append(el('tr', { 'data-testid': 'step', 'data-phase': s.phase, 'data-ok': String(s.ok) },
          el('td', {}, s.phase), el('td', {}, s.name), el('td', { class: 'muted' }, s.durationMs + ' ms'),
          el('td', { class: s.ok ? 'status-ok' : 'status-err' }, s.ok ? (s.returned ? 'returned' : 'ok') : (s.error ? s.error.name + ': ' + s.error.message : 'failed'))));
      }
      return table;
    })));
    d.append(section('Logs', 'logs', emptyOr(t.logs, (logs) => el('pre', {}, logs.map((l) => typeof l === 'string' ? l : JSON.stringify(l)).join('\\n')))));
    d.append(section('Warnings', 'warnings', emptyOr(t.warnings, (ws) => el('pre', {}, ws.map((w) => (w.file ? w.file + (w.line ? ':' + w.line : '') + ': ' : '') + w.message + ' [' + w.code + ']').join('\\n')))));
    d.append(section('Effects', 'effects', emptyOr(t.effects, (es) => el('pre', {}, json(es)))));
    d.append(section('Cache changes', 'cache-changes', emptyOr(t.cache, (cs) => {
      const table = el('table', { class: 'changes' });
      for (const c of cs) table.append(el('tr', { 'data-testid': 'cache-change' }, el('td', {}, c.key), el('td', {}, el('pre', {}, json(c.before && c.before.value))), el('td', {}, '→'), el('td', {}, el('pre', {}, c.after ? json(c.after.value) : '(deleted)'))));
      return table;
    })));
    d.append(section('Table changes', 'table-changes', emptyOr(t.tables, (rs) => {
      const table = el('table', { class: 'changes' });
      for (const r of rs) table.append(el('tr', { 'data-testid': 'table-change' }, el('td', {}, r.table + ' #' + r.id), el('td', {}, r.before ? 'updated' : 'created'), el('td', {}, el('pre', {}, r.after ? json(r.after) : '(deleted)'))));
      return table;
    })));
    d.append(section('Response', 'response', el('pre', {}, json(t.response))));
    d.append(section('Request', 'request', el('pre', {}, json(t.request))));
  }

  function problems(status) {
    const box = $('problems');
    box.replaceChildren(...status.problems.map((p) => el('div', { class: 'problem', 'data-testid': 'problem' }, p)));
  }

  const events = new EventSource('/__enfyra/events');
  events.addEventListener('open', () => { $('connection').textContent = 'live'; });
  events.addEventListener('error', () => { $('connection').textContent = 'reconnecting…'; });
  events.addEventListener('status', (e) => problems(JSON.parse(e.data)));
  events.addEventListener('request', (e) => {
    const trace = JSON.parse(e.data);
    if (traces.has(trace.id)) return;
    traces.set(trace.id, trace);
    $('rows').prepend(row(trace));
    $('count').textContent = traces.size + ' request' + (traces.size === 1 ? '' : 's');
    if (selected === null) select(trace.id);
  });
})();
</script>
</body>
</html>
`;
