// The overview tiles: the window's totals from usage grouped by source (local, cloud, cache; "unknown" holds
// requests that failed before any source answered).

import {h, fill, failure} from './dom.js';
import {compact, count, duration, percent, plural, usd, usdExact} from './format.js';

const FIELDS = ['calls', 'errors', 'requests', 'prompt_tokens', 'completion_tokens', 'images', 'audio_seconds',
  'cost_micros'];

/** Sums usage groups field by field. */
export function totals(groups) {
  const sum = Object.fromEntries(FIELDS.map((f) => [f, 0]));
  for (const g of groups) {
    for (const f of FIELDS) {
      sum[f] += g[f] ?? 0;
    }
  }
  return sum;
}

function tile(id, label, value, sub, options = {}) {
  return h('div', {class: `tile${options.tone ? ` tile-${options.tone}` : ''}`, dataset: {metric: id}},
    h('div', {class: 'tile-label'}, label),
    h('div', {class: 'tile-value', id: `metric-${id}`, title: options.title ?? null, dataset: {value: options.raw}},
      value),
    h('div', {class: 'tile-sub'}, sub));
}

/** local / cloud / cache as one stacked bar with its legend. */
function sourceSplit(bySource, answered) {
  const parts = ['local', 'cloud', 'cache'].map((s) => ({source: s, n: bySource[s]?.requests ?? 0}));
  return h('div', {class: 'split'},
    h('div', {class: 'split-bar', role: 'presentation'}, parts.filter((p) => p.n > 0).map((p) =>
      h('div', {class: `split-${p.source}`, style: {width: `${(100 * p.n) / answered}%`}}))),
    h('div', {class: 'split-legend'}, parts.map((p) =>
      h('span', {class: 'legend-item'}, h('i', {class: `dot split-${p.source}`}), `${p.source} ${count(p.n)}`))));
}

export function renderOverview(el, result) {
  if (!result.ok) {
    fill(el, failure(result.message));
    return;
  }
  const groups = result.data.data ?? [];
  const bySource = Object.fromEntries(groups.map((g) => [g.key, g]));
  const t = totals(groups);
  const answered = t.requests;
  const local = bySource.local?.requests ?? 0;
  const cache = bySource.cache?.requests ?? 0;
  const errorShare = t.calls ? t.errors / t.calls : 0;
  const tiles = [
    tile('calls', 'Requests', count(t.calls), `${count(answered)} answered · ${plural(t.errors, 'error')}`,
      {raw: t.calls}),
    tile('spend', 'Spend', usd(t.cost_micros),
      answered ? `${usd(Math.round(t.cost_micros / answered))} per answered request` : 'nothing answered yet',
      {raw: t.cost_micros, title: `${usdExact(t.cost_micros)} exactly`}),
    tile('tokens', 'Tokens', compact(t.prompt_tokens + t.completion_tokens),
      `${compact(t.prompt_tokens)} in · ${compact(t.completion_tokens)} out`,
      {raw: t.prompt_tokens + t.completion_tokens}),
    tile('local-share', 'Served locally', percent(local, answered),
      answered ? sourceSplit(bySource, answered) : 'no answered requests', {raw: local}),
    tile('error-rate', 'Error rate', percent(t.errors, t.calls),
      t.calls ? `${count(t.errors)} of ${count(t.calls)} failed or broke off` : 'no requests yet',
      {raw: t.errors, tone: errorShare >= 0.05 ? 'bad' : errorShare > 0 ? 'warn' : null}),
    tile('cache-hits', 'Cache hit rate', percent(cache, answered), `${count(cache)} answered from cache, at no cost`,
      {raw: cache}),
    tile('images', 'Images', count(t.images), 'generated and billed', {raw: t.images}),
    tile('audio', 'Audio', duration(t.audio_seconds), 'speech and transcription, billed seconds',
      {raw: t.audio_seconds}),
  ];
  fill(el, tiles, t.calls === 0
    ? h('p', {class: 'tiles-note muted'}, 'No requests recorded in this window yet. Requests appear here within ' +
      'moments of being answered.')
    : null);
}
