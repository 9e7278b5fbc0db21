// Models: the propensity and regression models' prequential quality over the last hour (the overview's
// samples of the model gauges) and the personas (GET /v1/personas) as sizes and a centroid heat map.
import { start, data, status, loading, chart, el, table, num } from './console.js';

const statusEl = document.getElementById('status');

function line(el, series) {
  chart(el).setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 },
    grid: { left: 50, right: 20, top: 35, bottom: 30 }, xAxis: { type: 'time', axisLabel: { hideOverlap: true } }, yAxis: { type: 'value' },
    series: series.map(([name, data]) => ({ name, type: 'line', showSymbol: false, data })),
  }, true);
}

async function quality() {
  const answer = await data('/overview');
  const pick = key => answer.samples.filter(s => s.figures[key] !== undefined).map(s => [s.time, s.figures[key]]);
  line(document.getElementById('chart-quality'), [['AUC', pick('propensityAuc')], ['log-loss', pick('propensityLogLoss')]]);
  line(document.getElementById('chart-regression'), [['RMSE', pick('regressionRmse')],
    ['running-mean baseline', pick('regressionBaselineRmse')]]);
  const last = answer.samples[answer.samples.length - 1];
  const figures = document.getElementById('figures');
  figures.replaceChildren();
  if (!last) return;
  for (const [label, key] of [['propensity AUC', 'propensityAuc'], ['propensity log-loss', 'propensityLogLoss'],
    ['labelled examples', 'propensityExamples'], ['regression RMSE', 'regressionRmse'],
    ['baseline RMSE', 'regressionBaselineRmse'], ['suspected bots', 'suspectedBots']]) {
    const box = el('div', null, { class: 'figure' });
    box.append(el('div', num(last.figures[key]), { class: 'value' }), el('div', label, { class: 'label' }));
    figures.append(box);
  }
}

async function personas() {
  const answer = await data('/v1/personas');
  const ps = answer.personas;
  const sizes = document.getElementById('chart-personas');
  chart(sizes).setOption({
    animation: false, tooltip: {}, grid: { left: 50, right: 20, top: 10, bottom: 30 },
    xAxis: { type: 'category', data: ps.map(p => 'persona ' + p.persona) }, yAxis: { type: 'value' },
    series: [{ type: 'bar', name: 'profiles', data: ps.map(p => p.size) }],
  }, true);
  sizes.dataset.personas = String(ps.length);
  const features = [...new Set(ps.flatMap(p => Object.keys(p.center)))].sort();
  const cells = [];
  ps.forEach((p, i) => features.forEach((f, j) => cells.push([j, i, p.center[f] ?? 0])));
  const extent = Math.max(1, ...cells.map(c => Math.abs(c[2])));
  chart(document.getElementById('chart-centroids')).setOption({
    animation: false, tooltip: {}, grid: { left: 90, right: 20, top: 10, bottom: 90 },
    xAxis: { type: 'category', data: features, axisLabel: { rotate: 45 } },
    yAxis: { type: 'category', data: ps.map(p => 'persona ' + p.persona) },
    visualMap: { min: -extent, max: extent, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
      inRange: { color: ['#2f5bd3', '#f4f5f7', '#c0392b'] } },
    series: [{ type: 'heatmap', data: cells }],
  }, true);
  document.getElementById('personas').replaceChildren(ps.length
    ? table(['persona', 'profiles', 'strongest features'], ps.map(p => ['persona ' + p.persona, num(p.size),
      p.strongest.map(s => Object.entries(s).map(([k, v]) => `${k}: ${typeof v === 'number' ? num(v) : v}`).join(' ')).join(' · ')]), [1])
    : el('p', 'No personas yet: they are seeded by the first mini-batch.', { class: 'muted' }));
}

await start('models', 'Models');
await loading(statusEl, () => Promise.all([quality(), personas()]));
