// Usage grouped by model, provider, tier, tenant or day (GET /aideon/v1/usage), with a bar per row for the chosen
// measure, and for days a column chart that shows the days without traffic too.

import {h, svg, fill, table, empty, failure, bar} from './dom.js';
import {compact, count, duration, percent, usd, usdExact, utcDay} from './format.js';
import {totals} from './overview.js';

/** The key the ledger reports for rows without one (see JdbiUsageReports.NONE). */
const NONE = 'unknown';

const KEY_LABEL = {model: 'Model', provider: 'Provider', tier: 'Tier', tenant: 'Tenant', day: 'Day (UTC)'};

export const MEASURES = {
  cost: {label: 'Spend', value: (g) => g.cost_micros, format: usd},
  calls: {label: 'Requests', value: (g) => g.calls, format: count},
  tokens: {label: 'Tokens', value: (g) => g.prompt_tokens + g.completion_tokens, format: compact},
};

/** Every UTC day from..to (to exclusive), so a chart shows quiet days as zero instead of skipping them. */
function days(fromIso, toIso) {
  const out = [];
  const end = new Date(toIso);
  for (let d = new Date(fromIso.slice(0, 10) + 'T00:00:00Z'); d < end; d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

function dayChart(groups, from, to, measure) {
  const byDay = Object.fromEntries(groups.map((g) => [g.key, g]));
  const series = days(from, to).map((day) => ({day, value: byDay[day] ? measure.value(byDay[day]) : 0}));
  const max = Math.max(1, ...series.map((s) => s.value));
  // A fixed-width canvas the CSS scales to the card: the columns share it, none wider than 56 units.
  const width = 1000;
  const pad = 24; // room for the first and last day's label
  const top = 20;
  const plot = 110;
  const height = top + plot + 24;
  const slot = (width - 2 * pad) / series.length;
  const barWidth = Math.min(56, slot * 0.6);
  const labelEvery = Math.ceil(series.length / 12);
  return h('figure', {class: 'chart'},
    svg('svg', {viewBox: `0 0 ${width} ${height}`, class: 'chart-svg', role: 'img',
      'aria-label': `${measure.label} per UTC day`},
    svg('line', {x1: 0, x2: width, y1: top + plot, y2: top + plot, class: 'chart-axis'}),
    series.map((s, i) => {
      const barHeight = s.value ? Math.max(2, (plot * s.value) / max) : 0;
      const middle = pad + i * slot + slot / 2;
      return svg('g', null,
        svg('title', null, `${s.day}: ${measure.format(s.value)}`),
        svg('rect', {x: middle - barWidth / 2, y: top + plot - barHeight, width: barWidth, height: barHeight, rx: 3,
          class: 'chart-bar'}),
        s.value ? svg('text', {x: middle, y: top + plot - barHeight - 5, class: 'chart-value'},
          measure.format(s.value)) : null,
        i % labelEvery === 0 ? svg('text', {x: middle, y: height - 6, class: 'chart-label'}, utcDay(s.day)) : null);
    })));
}

/**
 * @param group model | provider | tier | tenant | day
 * @param measure a key of MEASURES
 */
export function renderUsage(el, result, group, measureKey, tenantName) {
  if (!result.ok) {
    fill(el, failure(result.message));
    return;
  }
  const measure = MEASURES[measureKey];
  const groups = [...(result.data.data ?? [])];
  if (!groups.length) {
    fill(el, empty('No usage in this window.', 'Every answered or failed request is counted here by ' +
      `${KEY_LABEL[group].toLowerCase()}.`));
    return;
  }
  if (group !== 'day') {
    groups.sort((a, b) => measure.value(b) - measure.value(a) || a.key.localeCompare(b.key));
  }
  const max = Math.max(1, ...groups.map(measure.value));
  const sum = totals(groups);
  const keyCell = (g) => {
    if (g.key === NONE && (group === 'model' || group === 'provider')) {
      return h('span', {class: 'muted'}, `no ${group} (failed before one answered)`);
    }
    if (group === 'model') {
      return h('code', {class: 'nowrap'}, g.key);
    }
    if (group === 'tenant') {
      return tenantName(g.key);
    }
    return group === 'day' ? utcDay(g.key) : g.key;
  };
  const columns = [
    {label: KEY_LABEL[group], cell: keyCell, title: (g) => g.key},
    {label: 'Requests', num: true, cell: (g) => count(g.calls), total: count(sum.calls),
      hint: 'Every request recorded: answered or failed'},
    {label: 'Errors', num: true, cell: (g) => (g.errors ? `${count(g.errors)} (${percent(g.errors, g.calls)})` : '0'),
      total: count(sum.errors)},
    {label: 'Tokens in', num: true, cell: (g) => compact(g.prompt_tokens), total: compact(sum.prompt_tokens)},
    {label: 'Tokens out', num: true, cell: (g) => compact(g.completion_tokens), total: compact(sum.completion_tokens)},
    {label: 'Images', num: true, cell: (g) => count(g.images), total: count(sum.images)},
    {label: 'Audio', num: true, cell: (g) => duration(g.audio_seconds), total: duration(sum.audio_seconds)},
    {label: 'Spend', num: true, cell: (g) => usd(g.cost_micros), title: (g) => usdExact(g.cost_micros),
      total: usd(sum.cost_micros)},
    {label: `Share of ${measure.label.toLowerCase()}`, className: 'bar-cell',
      cell: (g) => bar(measure.value(g) / max)},
  ];
  fill(el,
    group === 'day' ? dayChart(groups, result.data.from, result.data.to, measure) : null,
    table(columns, groups, {footer: (c, i) => (i === 0 ? 'Total' : c.total ?? '')}));
}
