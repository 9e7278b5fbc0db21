// Quarantine (admin): GET /v1/quarantine a page at a time, grouped by reason code, and re-drive through
// POST /v1/quarantine/redrive, for one group or everything.
import { start, data, status, loading, chart, el, table, num } from './console.js';

const PAGE = 500;
const statusEl = document.getElementById('status');
let items = [];
let cursor = null;

function render() {
  const groups = new Map();
  for (const q of items) {
    if (!groups.has(q.code)) groups.set(q.code, []);
    groups.get(q.code).push(q);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length);
  chart(document.getElementById('chart-reasons')).setOption({
    animation: false, tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 160, right: 20, top: 10, bottom: 25 },
    xAxis: { type: 'value', minInterval: 1 }, yAxis: { type: 'category', data: sorted.map(([c]) => c).reverse() },
    series: [{ type: 'bar', name: 'events', data: sorted.map(([, g]) => g.length).reverse() }],
  }, true);
  document.getElementById('reasons').replaceChildren(
    el('p', `${num(items.length)} event(s) loaded${cursor ? ' (more on the server: load more)' : ''}.`, { class: 'muted' }));
  const box = document.getElementById('groups');
  box.replaceChildren();
  for (const [code, group] of sorted) {
    const card = el('section', null, { class: 'card', 'data-code': code });
    const button = el('button', `Re-drive these ${group.length}`, { type: 'button', class: 'redrive', 'data-code': code });
    button.addEventListener('click', () => redrive(group.map(q => q.id), button));
    card.append(el('h2', `${code} · ${group.length}`), button,
      table(['id', 'received', 'where it failed', 'message', 'event'],
        group.slice(0, 100).map(q => [q.id, q.receivedAt, el('code', q.path || ''), q.message, el('pre', q.event)]), [0]));
    if (group.length > 100) card.append(el('p', `and ${group.length - 100} more in this group`, { class: 'muted' }));
    box.append(card);
  }
  document.getElementById('more').hidden = !cursor;
}

async function load(more) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (more && cursor) q.set('cursor', cursor);
  const page = await loading(statusEl, () => data('/v1/quarantine?' + q));
  if (!page) return;
  items = more ? items.concat(page.items) : page.items;
  cursor = page.next;
  if (!items.length) status(statusEl, 'The quarantine is empty.');
  render();
}

async function redrive(ids, button) {
  const st = document.getElementById('redrive-status');
  button.disabled = true;
  try {
    status(st, 'Re-driving…');
    const report = await data('/v1/quarantine/redrive', { method: 'POST', body: ids ? { ids } : {} });
    status(st, `Re-driven: ${num(report.stored)} stored, ${num(report.duplicates)} duplicates, `
      + `${num(report.stillQuarantined)} still quarantined.`);
    await load(false);
  } catch (e) {
    status(st, e.message, true);
  } finally {
    button.disabled = false;
  }
}

const s = await start('quarantine', 'Quarantine');
if (s.role !== 'admin') {
  // the navigation does not offer this page to a read session; the routes refuse it (403) anyway
  document.getElementById('main').replaceChildren(el('p', 'The quarantine needs an admin key.', { class: 'status error', role: 'alert' }));
} else {
  document.getElementById('more').addEventListener('click', () => load(true));
  document.getElementById('redrive-all').addEventListener('click', e => redrive(null, e.target));
  await load(false);
}
