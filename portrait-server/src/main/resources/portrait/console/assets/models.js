// Models: the propensity and regression models' prequential quality over the last hour (the overview's
// samples of the model gauges), the personas (GET /v1/personas) as sizes and a centroid heat map, and the
// feedback loop (GET /v1/recommendations/feedback): CTR and conversion per placement and experiment variant.
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

async function calibration() {
  const answer = await data('/v1/models/propensity/calibration?buckets=10');
  const chartEl = document.getElementById('chart-calibration');
  chartEl.dataset.buckets = String(answer.buckets.length);
  const note = document.getElementById('calibration-note');
  if (!answer.declared) {
    note.textContent = 'No propensity model in the definition.';
    return;
  }
  note.textContent = answer.buckets.length
    ? `${num(answer.examples)} labelled examples (${num(answer.positives)} positive), each scored before the model learned from it; points on the diagonal are calibrated.`
    : 'No labelled examples yet: labels arrive when the target event happens or its horizon passes.';
  chart(chartEl).setOption({
    animation: false, legend: { top: 0 }, grid: { left: 50, right: 20, top: 35, bottom: 40 },
    tooltip: { trigger: 'item', formatter: p => p.seriesIndex === 1
      ? `predicted ${num(p.data[0])}, observed ${num(p.data[1])} (${num(p.data[2])} examples)` : 'perfect calibration' },
    xAxis: { type: 'value', min: 0, max: 1, name: 'predicted', nameLocation: 'middle', nameGap: 25 },
    yAxis: { type: 'value', min: 0, max: 1, name: 'observed', nameLocation: 'middle', nameGap: 35 },
    series: [{ type: 'line', name: 'perfect calibration', data: [[0, 0], [1, 1]], showSymbol: false, lineStyle: { type: 'dashed' } },
      { type: 'line', name: 'propensity', data: answer.buckets.map(b => [b.predicted, b.observed, b.examples]),
        symbolSize: v => 4 + Math.min(12, Math.log10(1 + v[2]) * 3) }],
  }, true);
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

async function feedback() {
  const answer = await data('/v1/recommendations/feedback');
  const box = document.getElementById('feedback');
  const chartEl = document.getElementById('chart-feedback');
  chartEl.dataset.rows = String(answer.rows.length);
  if (!answer.declared) {
    chartEl.hidden = true;
    box.replaceChildren(el('p', 'No feedback loop: the definition\'s recommender has no feedback section.', { class: 'muted' }));
    return;
  }
  const label = r => r.placement + (r.experiment ? ` · ${r.experiment}: ${r.variant}` : '');
  chart(chartEl).setOption({
    animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 20, top: 35, bottom: 60 },
    xAxis: { type: 'category', data: answer.rows.map(label), axisLabel: { rotate: 20 } },
    yAxis: { type: 'value', min: 0, max: 1 },
    series: [{ type: 'bar', name: 'CTR', data: answer.rows.map(r => r.ctr) },
      { type: 'bar', name: 'conversion (per click)', data: answer.rows.map(r => r.conversionRate) }],
  }, true);
  const unjoined = Object.entries(answer.unjoined).flatMap(([model, reasons]) =>
    Object.entries(reasons).map(([reason, n]) => `${model}: ${num(n)} ${reason.replace('_', ' ')}`));
  box.replaceChildren(answer.rows.length
    ? table(['model', 'placement', 'experiment', 'variant', 'shown', 'clicked', 'converted', 'CTR', 'conversion'],
      answer.rows.map(r => [r.model, r.placement, r.experiment ?? '–', r.variant ?? '–', num(r.shown), num(r.clicked),
        num(r.converted), num(r.ctr), num(r.conversionRate)]), [4, 5, 6, 7, 8])
    : el('p', 'Nothing joined yet: send Recommendation Shown and Recommendation Clicked with the answer\'s recommendation_id.',
      { class: 'muted' }),
  el('p', unjoined.length ? 'Not joined: ' + unjoined.join(' · ') : 'Every Shown and Clicked event joined an answer.',
    { class: 'muted', id: 'feedback-unjoined' }));
}

await start('models', 'Models');
await loading(statusEl, () => Promise.all([quality(), calibration(), personas(), feedback()]));
