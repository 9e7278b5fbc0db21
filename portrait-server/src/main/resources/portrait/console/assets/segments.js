// Segments and audiences: the definition's segments with their sizes and members (paged by the API's
// cursor, never all at once), their sizes over the last hour (the overview's samples), and an audience
// builder whose count is POST /v1/audiences/count itself, so it equals the API's by construction, and
// which an admin can save as a segment (PUT /v1/audiences/{name}): it then shows in the list like the others.
import { start, data, status, loading, chart, el, table, num } from './console.js';

const PAGE = 50;
const statusEl = document.getElementById('status');
const membersStatus = document.getElementById('members-status');
let memberCursors = [null];
let memberSegment = null;

async function showMembers(name, index) {
  memberSegment = name;
  document.getElementById('members-title').textContent = `Members of ${name}`;
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (memberCursors[index]) q.set('cursor', memberCursors[index]);
  const page = await loading(membersStatus, () => data(`/v1/segments/${encodeURIComponent(name)}/members?${q}`));
  if (!page) return;
  memberCursors = memberCursors.slice(0, index + 1);
  if (page.next) memberCursors.push(page.next);
  const rows = page.items.map(id => {
    const a = el('a', id, { href: '/console/profile?' + new URLSearchParams({ idType: 'profile_id', id }) });
    return [a];
  });
  document.getElementById('members').replaceChildren(rows.length ? table(['profile'], rows) : el('p', 'Nobody.', { class: 'muted' }));
  if (!rows.length) status(membersStatus, '');
  const prev = document.getElementById('members-prev');
  const next = document.getElementById('members-next');
  prev.hidden = index === 0;
  next.hidden = !page.next;
  prev.onclick = () => showMembers(name, index - 1);
  next.onclick = () => showMembers(name, index + 1);
  membersStatus.textContent = `Page ${index + 1}, ${page.items.length} shown.`;
}

function spec() {
  const body = { all: [], any: [], none: [] };
  for (const select of document.querySelectorAll('#audience-segments select')) {
    if (select.value) body[select.value].push(select.dataset.segment);
  }
  const where = document.getElementById('where').value.trim();
  if (where) body.where = where;
  return body;
}

let counting = 0;
async function count() {
  const mine = ++counting;
  const countEl = document.getElementById('audience-count');
  const st = document.getElementById('audience-status');
  countEl.setAttribute('aria-busy', 'true');
  try {
    const answer = await data('/v1/audiences/count', { method: 'POST', body: spec() });
    if (mine !== counting) return; // a later edit's count is on its way
    countEl.textContent = num(answer.count);
    countEl.dataset.count = String(answer.count);
    document.getElementById('audience-took').textContent = `(${num(answer.tookMs, 2)} ms on the server)`;
    status(st, '');
  } catch (e) {
    if (mine !== counting) return;
    countEl.textContent = '–';
    delete countEl.dataset.count;
    status(st, e.message, true);
  } finally {
    if (mine === counting) countEl.removeAttribute('aria-busy');
  }
}

let timer = null;
function countSoon() {
  clearTimeout(timer);
  timer = setTimeout(count, 250);
}

async function exportMembers() {
  const st = document.getElementById('export-status');
  const button = document.getElementById('audience-export');
  button.disabled = true;
  try {
    status(st, 'Exporting…');
    const res = await data('/v1/audiences/members', { method: 'POST', body: Object.assign(spec(), { format: 'csv' }), raw: true });
    const blob = await res.blob();
    const a = el('a', null, { href: URL.createObjectURL(blob), download: 'audience.csv' });
    document.body.append(a);
    a.click();
    a.remove();
    status(st, `Exported (${num(blob.size)} bytes).`);
  } catch (e) {
    status(st, e.message, true);
  } finally {
    button.disabled = false;
  }
}

async function sizes() {
  const answer = await data('/overview');
  const names = new Set();
  answer.samples.forEach(s => Object.keys(s.segments).forEach(n => names.add(n)));
  // one point every ten seconds is plenty for an hour-long chart
  const points = answer.samples.filter((s, i) => i % 10 === 0 || i === answer.samples.length - 1);
  chart(document.getElementById('chart-segment-sizes')).setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 20, top: 35, bottom: 30 }, xAxis: { type: 'time', axisLabel: { hideOverlap: true } }, yAxis: { type: 'value', min: 0 },
    series: [...names].sort().map(n => ({ name: n, type: 'line', showSymbol: false,
      data: points.map(s => [s.time, s.segments[n] ?? null]) })),
  }, true);
}

function segmentRows(segments) {
  return segments.map(s => {
    const b = el('button', 'Members', { type: 'button', class: 'secondary', 'data-segment': s.name });
    b.addEventListener('click', () => { memberCursors = [null]; showMembers(s.name, 0); });
    const name = el('strong', s.name, { 'data-saved-audience': String(Boolean(s.savedAudience)) });
    const description = s.savedAudience ? 'saved audience' : (s.description || '');
    return [name, description, el('code', s.condition || ''), num(s.size), b];
  });
}

/** The segment list, and one builder choice per segment not offered yet (saved ones arrive later). */
function showSegments(segments) {
  document.getElementById('segment-list').replaceChildren(
    table(['segment', 'description', 'condition', 'size', ''], segmentRows(segments), [3]));
  const box = document.getElementById('audience-segments');
  let list = box.querySelector('.grid');
  if (!list) {
    list = el('div', null, { class: 'grid' });
    box.replaceChildren(list);
  }
  for (const s of segments) {
    const id = 'aud-' + s.name;
    if (document.getElementById(id)) continue;
    const wrap = el('div');
    const select = el('select', null, { id, 'data-segment': s.name });
    for (const [value, label] of [['', '—'], ['all', 'all of'], ['any', 'any of'], ['none', 'none of']]) {
      select.append(el('option', label, { value }));
    }
    select.addEventListener('change', countSoon);
    wrap.append(el('label', s.name, { for: id }), select);
    list.append(wrap);
  }
}

async function saveAudience() {
  const st = document.getElementById('save-status');
  const input = document.getElementById('audience-name');
  const button = document.getElementById('audience-save');
  const name = input.value.trim();
  if (!input.checkValidity() || !name) {
    status(st, 'A segment name is lower case letters, digits and _, starting with a letter.', true);
    input.focus();
    return;
  }
  button.disabled = true;
  try {
    status(st, 'Saving…');
    const saved = await data(`/v1/audiences/${encodeURIComponent(name)}`, { method: 'PUT', body: spec() });
    // the people who match now join it in a backfill on the server; the list shows it at once
    const answer = await data('/v1/segments');
    showSegments(answer.segments);
    status(st, saved.status === 'ready' ? `Saved as segment ${name}.`
      : `Saved as segment ${name}; the people who match now are joining it (${num(saved.backfill.evaluated)} of ${num(saved.backfill.total)} checked).`);
    st.dataset.saved = name;
  } catch (e) {
    status(st, e.message, true);
  } finally {
    button.disabled = false;
  }
}

const session = await start('segments', 'Segments & audiences');
const answer = await loading(statusEl, () => data('/v1/segments'));
if (answer) showSegments(answer.segments);
if (session.role === 'admin') {
  document.getElementById('save-audience').hidden = false;
  document.getElementById('audience-save').addEventListener('click', saveAudience);
}
document.getElementById('where').addEventListener('input', countSoon);
document.getElementById('audience-export').addEventListener('click', exportMembers);
count();
sizes().catch(e => status(statusEl, 'Sizes over time: ' + e.message, true));
