// Overview: the server's last hour, from /console/data/overview (one sample a second of its own
// counters). The page keeps the samples it has and asks only for newer ones every two seconds.
import { start, data, status, chart, el, num } from './console.js';

const MAX = 3600;
const samples = [];
const statusEl = document.getElementById('status');
const charts = {
  events: chart(document.getElementById('chart-events')),
  quarantine: chart(document.getElementById('chart-quarantine')),
  lag: chart(document.getElementById('chart-lag')),
  sizes: chart(document.getElementById('chart-sizes')),
};

/** Per-second rate of a running total between neighbouring samples. */
function rates(pick) {
  const out = [];
  for (let i = 1; i < samples.length; i++) {
    const a = pick(samples[i - 1]);
    const b = pick(samples[i]);
    const dt = (samples[i].time - samples[i - 1].time) / 1000;
    out.push([samples[i].time, a === undefined || b === undefined || dt <= 0 ? null : Math.max(0, (b - a) / dt)]);
  }
  return out;
}

function levels(pick) {
  return samples.map(s => [s.time, pick(s) === undefined ? null : pick(s)]);
}

function lines(series) {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { left: 50, right: 20, top: 35, bottom: 30 },
    xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', min: 0 },
    series: series.map(([name, points, extra]) => Object.assign({ name, type: 'line', showSymbol: false, data: points }, extra || {})),
  };
}

function render() {
  const f = key => s => s.figures[key];
  charts.events.setOption(lines([
    ['received', rates(f('received'))],
    ['stored', rates(f('stored'))],
    ['folded', rates(f('folded'))],
    ['duplicates', rates(f('duplicates'))],
    ['quarantined', rates(s => Object.values(s.quarantined).reduce((a, b) => a + b, 0))],
  ]), true);
  const codes = new Set();
  samples.forEach(s => Object.keys(s.quarantined).forEach(c => codes.add(c)));
  charts.quarantine.setOption(lines([...codes].sort().map(code =>
    [code, rates(s => s.quarantined[code] || 0), { stack: 'reasons', areaStyle: {} }])), true);
  charts.lag.setOption(lines([['lag', levels(f('lag'))]]), true);
  const segments = new Set();
  samples.forEach(s => Object.keys(s.segments).forEach(n => segments.add(n)));
  charts.sizes.setOption(lines([['profiles', levels(f('profiles'))],
    ...[...segments].sort().map(n => [n, levels(s => s.segments[n])])]), true);
  document.getElementById('chart-events').dataset.points = String(Math.max(0, samples.length - 1));

  const last = samples[samples.length - 1];
  const back = samples[Math.max(0, samples.length - 11)];
  const figures = document.getElementById('figures');
  figures.replaceChildren();
  if (!last) return;
  const dt = (last.time - back.time) / 1000 || 1;
  const perSecond = key => last.figures[key] === undefined ? undefined : (last.figures[key] - (back.figures[key] || 0)) / dt;
  const quarantinedTotal = s => Object.values(s.quarantined).reduce((a, b) => a + b, 0);
  const shown = [
    ['events in /s (10 s)', perSecond('received')],
    ['folded /s (10 s)', perSecond('folded')],
    ['quarantined /s (10 s)', (quarantinedTotal(last) - quarantinedTotal(back)) / dt],
    ['duplicates (total)', last.figures.duplicates],
    ['lag (events)', last.figures.lag],
    ['profiles', last.figures.profiles],
    ['segments', Object.keys(last.segments).length],
  ];
  for (const [label, value] of shown) {
    const box = el('div', null, { class: 'figure' });
    box.append(el('div', num(value, 1), { class: 'value' }), el('div', label, { class: 'label' }));
    figures.append(box);
  }
}

async function poll() {
  try {
    const since = samples.length ? samples[samples.length - 1].time : 0;
    const answer = await data('/overview?since=' + since);
    samples.push(...answer.samples);
    samples.splice(0, Math.max(0, samples.length - MAX));
    status(statusEl, samples.length < 2 ? 'Waiting for the first samples…' : '');
    render();
  } catch (e) {
    status(statusEl, 'Could not read the server\'s samples: ' + e.message, true);
  }
}

await start('overview', 'Overview');
status(statusEl, 'Loading…');
await poll();
setInterval(poll, 2000);
