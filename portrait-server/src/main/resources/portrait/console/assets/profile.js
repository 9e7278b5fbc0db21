// Profile: one person by any identifier, as the query API answers (profile, changes, recommendations,
// scores), optionally as they were at a past time (?at=). The lookup is kept in the page's URL so a
// view can be reloaded or shared; the URL holds the identifier, never a key.
import { start, data, status, loading, chart, el, table, num, ApiError } from './console.js';

const statusEl = document.getElementById('status');
const form = document.getElementById('lookup');
let changesCursor = null;
let changes = [];
let current = null;
let role = 'read';

const isScoreMap = v => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
  && Object.values(v).every(x => typeof x === 'number');
// The profile's JSON does not say a feature's kind; decayed score maps (interests) are told from the other
// maps of numbers (sessions, RFM) by name, as the shipped definitions name them (interest_category, …).
const isInterest = (name, v) => /interest|affinit|preference/i.test(name) && isScoreMap(v);
const isTime = (name, v) => typeof v === 'number' && v > 1e11 && /(first|last)_seen|_at$|time/i.test(name);

function path(idType, id) {
  return `/v1/profiles/${encodeURIComponent(idType)}/${encodeURIComponent(id)}`;
}

function atParam() {
  const v = document.getElementById('at').value;
  return v ? new Date(v + 'Z').toISOString() : null;
}

function valueText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return num(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function renderIdentities(p) {
  const rows = Object.entries(p.identities).map(([type, values]) => [type, values.join(', ')]);
  rows.unshift(['profile_id', p.profileId]);
  document.getElementById('identities').replaceChildren(table(['type', 'values'], rows),
    el('p', `version ${p.version} · last event ${p.updatedAt || '–'} · read as of ${p.asOf}`, { class: 'muted' }));
}

/**
 * The merges this profile won (GET …/merges), oldest first. An admin session gets a Reverse button on the
 * latest, the only one the API reverses; it asks for confirmation, since the people are split at once.
 */
function renderMerges(merges, idType, id) {
  const box = document.getElementById('merges');
  if (merges instanceof ApiError) {
    box.replaceChildren(el('p', merges.message, { class: 'muted' }));
    return;
  }
  if (merges === null) {
    box.replaceChildren(el('p', 'Merges are listed for the profile as it is now, not as of a past time.', { class: 'muted' }));
    return;
  }
  if (!merges.items.length) {
    box.replaceChildren(el('p', 'No profile was merged into this one.', { class: 'muted' }));
    return;
  }
  // a list, not a table: the card is narrow, and each merge reads as one sentence with its action
  const list = el('ul', null, { class: 'merges' });
  for (const m of merges.items) {
    const ids = m.identifiers.map(i => `${i.type} ${i.value}`).join(', ');
    const item = el('li', null, { 'data-merge': m.mergeId });
    item.append(el('code', m.mergeId), ` (${ids}) merged in at ${m.mergedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC by `,
      el('code', m.causeMessageId), ' ');
    if (m.reversible && role === 'admin') {
      const button = el('button', 'Reverse', { type: 'button', class: 'secondary reverse-merge', 'data-merge': m.mergeId,
        'aria-label': `Reverse the merge of ${m.mergeId}` });
      button.addEventListener('click', () => reverseMerge(idType, id, m, button));
      item.append(button);
    } else if (!m.reversible) {
      item.append(el('span', '(reverse the later merges first)', { class: 'muted' }));
    }
    list.append(item);
  }
  box.replaceChildren(list);
}

async function reverseMerge(idType, id, merge, button) {
  const ids = merge.identifiers.map(i => `${i.type} ${i.value}`).join(', ');
  if (!confirm(`Reverse this merge? ${merge.mergeId} (${ids}) becomes a profile of its own again, and the `
      + `events since the merge that name only its identifiers move to it.`)) return;
  const st = document.getElementById('merge-status');
  button.disabled = true;
  const done = await loading(st, () => data(path(idType, id) + '/merges/' + encodeURIComponent(merge.mergeId)
    + '/reverse', { method: 'POST' }), 'Reversing…');
  if (!done) {
    button.disabled = false;
    return;
  }
  await lookup(idType, id, null);
  status(document.getElementById('merge-status'), `Reversed: ${done.loser} is a profile of its own again with `
    + `${done.identifiers} identifier(s); ${done.eventsToLoser} later event(s) moved to it, ${done.eventsKept} stayed.`);
}

function renderTraits(p) {
  const rows = Object.entries(p.traits).map(([name, t]) => [name, valueText(t.value), t.source || '', t.updatedAt]);
  document.getElementById('traits').replaceChildren(rows.length
    ? table(['trait', 'value', 'source', 'set at'], rows) : el('p', 'No traits.', { class: 'muted' }));
}

function renderFeatures(p) {
  const rows = [];
  for (const [name, v] of Object.entries(p.features)) {
    if (isInterest(name, v)) continue; // charted under Interests
    if (Array.isArray(v)) {
      rows.push([name, v.map(x => typeof x === 'object' ? (x.item ?? JSON.stringify(x)) : x).join(', ')]);
    } else if (isTime(name, v)) {
      rows.push([name, new Date(v).toISOString()]);
    } else {
      rows.push([name, valueText(v)]);
    }
  }
  document.getElementById('features').replaceChildren(table(['feature', 'value'], rows));
}

function renderInterests(p) {
  const box = document.getElementById('chart-interests');
  const maps = Object.entries(p.features).filter(([name, v]) => isInterest(name, v));
  const c = chart(box);
  if (!maps.length) {
    c.clear();
    box.dataset.bars = '0';
    return;
  }
  // one horizontal bar per (feature, item), the strongest eight of each feature, grouped by feature
  const labels = [];
  const series = maps.map(([name]) => ({ name, type: 'bar', data: [] }));
  maps.forEach(([name, scores], i) => {
    const top = Object.entries(scores).sort((a, b) => b[1] - a[1]).slice(0, 8).reverse();
    for (const [item, score] of top) {
      labels.push(`${item} (${name.replace(/^interest_/, '')})`);
      series.forEach((s, j) => s.data.push(j === i ? score : null));
    }
  });
  c.setOption({
    animation: false, tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } }, legend: { top: 0 },
    grid: { left: 150, right: 20, top: 30, bottom: 25 },
    xAxis: { type: 'value', name: 'decayed score' }, yAxis: { type: 'category', data: labels },
    series: series.map(s => Object.assign(s, { stack: 'one' })),
  }, true);
  box.dataset.bars = String(labels.length);
}

function renderInterestHistory() {
  const box = document.getElementById('chart-interest-history');
  const c = chart(box);
  const byKey = new Map();
  for (const ch of [...changes].reverse()) {
    const name = ch.field.slice('features.'.length);
    if (!ch.field.startsWith('features.') || !isInterest(name, ch.newValue)) continue;
    const feature = name.replace(/^interest_/, '');
    for (const [item, score] of Object.entries(ch.newValue)) {
      const key = `${item} (${feature})`;
      if (!byKey.has(key)) byKey.set(key, []);
      byKey.get(key).push([ch.time, score]);
    }
  }
  const strongest = [...byKey.entries()].sort((a, b) => b[1][b[1].length - 1][1] - a[1][a[1].length - 1][1]).slice(0, 8);
  c.setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 20, top: 35, bottom: 30 }, xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value' },
    series: strongest.map(([name, points]) => ({ name, type: 'line', step: 'end', data: points })),
  }, true);
}

function renderSegments(p, models) {
  const box = document.getElementById('segments');
  box.replaceChildren();
  const all = [...p.segments, ...((models && models.segments) || [])];
  for (const s of all) box.append(el('span', s, { class: 'chip' }));
  if (!all.length) box.append(el('span', 'In no segment.', { class: 'muted' }));
}

/** When the person entered and left each segment (GET …/segments: the transitions of their replayed history). */
function renderSegmentHistory(stays) {
  const box = document.getElementById('segment-history');
  if (!stays) {
    box.replaceChildren();
    return;
  }
  const when = (s, kind) => {
    const t = kind === 'entered' ? s.enteredAt : s.leftAt;
    // shown to the second, in UTC like the rest of the page; the full instant stays in datetime
    return t ? el('time', t.replace('T', ' ').replace(/(\.\d+)?Z$/, ''), { datetime: t, 'data-segment': s.segment, 'data-kind': kind }) : '';
  };
  // the segments they are in first, then those they left, the most recent first within each
  const sorted = [...stays].sort((a, b) => (b.member - a.member)
    || String(b.member ? b.enteredAt : b.leftAt).localeCompare(String(a.member ? a.enteredAt : a.leftAt)));
  const rows = sorted.map(s => [s.segment, s.member ? 'in' : 'left', when(s, 'entered'), when(s, 'left')]);
  box.replaceChildren(rows.length ? table(['segment', 'now', 'entered (UTC)', 'left (UTC)'], rows)
    : el('p', 'No segment entered or left yet.', { class: 'muted' }));
}

function renderChanges() {
  const rows = changes.map(c => [c.time, c.field, valueText(c.oldValue), valueText(c.newValue),
    el('code', c.messageId || '')]);
  document.getElementById('changes').replaceChildren(rows.length
    ? table(['time', 'field', 'from', 'to', 'caused by event (messageId)'], rows) : el('p', 'No changes.', { class: 'muted' }));
  document.getElementById('older').hidden = !changesCursor;
}

async function loadChanges(idType, id, more) {
  const q = new URLSearchParams({ limit: '200' });
  if (more && changesCursor) q.set('cursor', changesCursor);
  const page = await data(path(idType, id) + '/changes?' + q);
  changes = more ? changes.concat(page.items) : page.items;
  changesCursor = page.next;
  renderChanges();
  renderInterestHistory();
}

async function optional(call) {
  try { return await call(); } catch (e) { return e instanceof ApiError ? e : Promise.reject(e); }
}

async function lookup(idType, id, at) {
  document.getElementById('profile').hidden = true;
  const q = at ? '?at=' + encodeURIComponent(at) : '';
  const p = await loading(statusEl, () => data(path(idType, id) + q), 'Looking up…');
  if (!p) return;
  current = { idType, id };
  document.getElementById('profile').hidden = false;
  renderIdentities(p);
  renderTraits(p);
  renderFeatures(p);
  renderInterests(p);
  const [recs, scores, stays, merges] = await Promise.all([
    optional(() => data(path(idType, id) + '/recommendations?k=10')),
    optional(() => data(path(idType, id) + '/scores')),
    // entry and exit times are the person's now; a view as of a past time leaves them out
    at ? Promise.resolve(null) : optional(() => data(path(idType, id) + '/segments')),
    at ? Promise.resolve(null) : optional(() => data(path(idType, id) + '/merges')),
  ]);
  renderMerges(merges, idType, id);
  renderSegments(p, scores instanceof ApiError ? null : scores);
  if (stays instanceof ApiError) {
    document.getElementById('segment-history').replaceChildren(el('p', stays.message, { class: 'muted' }));
  } else {
    renderSegmentHistory(stays && stays.segments);
  }
  const recBox = document.getElementById('recommendations');
  if (recs instanceof ApiError) recBox.replaceChildren(el('p', recs.message, { class: 'muted' }));
  else {
    const items = recs.items || recs.recommendations || [];
    recBox.replaceChildren(items.length ? table(['item', 'score', 'reason'],
      items.map(r => [r.item, num(r.score), r.reason || '']), [1]) : el('p', 'Nothing to recommend yet.', { class: 'muted' }));
  }
  const scoreBox = document.getElementById('scores');
  if (scores instanceof ApiError) scoreBox.replaceChildren(el('p', scores.message, { class: 'muted' }));
  else scoreBox.replaceChildren(table(['model', 'value'], Object.entries(scores)
    .filter(([k]) => k !== 'profileId' && k !== 'segments').map(([k, v]) => [k, valueText(v)])));
  await loadChanges(idType, id, false).catch(e => status(statusEl, 'Changes: ' + e.message, true));
  status(statusEl, at ? `As it was at ${at}.` : '');
}

form.addEventListener('submit', e => {
  e.preventDefault();
  const idType = document.getElementById('idType').value.trim();
  const id = document.getElementById('id').value.trim();
  const at = atParam();
  const q = new URLSearchParams({ idType, id });
  if (at) q.set('at', at);
  history.replaceState(null, '', '?' + q);
  lookup(idType, id, at);
});

document.getElementById('older').addEventListener('click', () => {
  if (current) loadChanges(current.idType, current.id, true).catch(e => status(statusEl, e.message, true));
});

role = (await start('profile', 'Profile')).role;
const params = new URLSearchParams(location.search);
if (params.get('id')) {
  document.getElementById('idType').value = params.get('idType') || 'user_id';
  document.getElementById('id').value = params.get('id');
  if (params.get('at')) document.getElementById('at').value = params.get('at').replace(/\.\d+Z$|Z$/, '');
  lookup(document.getElementById('idType').value, params.get('id'), params.get('at'));
} else {
  status(statusEl, 'Enter an identifier of any type to look a person up.');
  document.getElementById('id').focus();
}
