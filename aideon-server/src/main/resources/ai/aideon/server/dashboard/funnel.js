// The upgrade funnel (GET /aideon/v1/admin/conversions?group_by=tier): per tier, how often each kind of limit
// stopped a request and how many tenants it stopped — the users to offer the next tier.

import {h, fill, table, empty, failure, bar} from './dom.js';
import {count, words} from './format.js';

const KIND_ORDER = ['upgrade_required', 'quota_exceeded', 'budget_exceeded', 'rate_limited'];
const KIND_HINT = {
  upgrade_required: 'asked for a route or model outside the tier',
  quota_exceeded: 'a daily or monthly quota was used up',
  budget_exceeded: 'the budget could not cover the request',
  rate_limited: 'requests or tokens per minute',
};

export function renderFunnel(el, result) {
  if (!result.ok) {
    fill(el, failure(result.message));
    return;
  }
  const counts = result.data.data ?? [];
  if (!counts.length) {
    fill(el, empty('No limit has stopped a request in this window.', 'When a tier refuses a request ' +
      '(upgrade required, quota, budget, rate), it is counted here per tier.'));
    return;
  }
  const kinds = [...KIND_ORDER.filter((k) => counts.some((c) => c.kind === k)),
    ...new Set(counts.map((c) => c.kind).filter((k) => !KIND_ORDER.includes(k)))];
  const tiers = [...new Set(counts.map((c) => c.tier))];
  const cell = (tier, kind) => counts.find((c) => c.tier === tier && c.kind === kind);
  const max = Math.max(1, ...counts.map((c) => c.events));
  fill(el, table([
    {label: 'Tier', cell: (tier) => h('strong', null, tier)},
    ...kinds.map((kind) => ({
      label: words(kind), hint: KIND_HINT[kind], className: 'funnel-cell', cell: (tier) => {
        const c = cell(tier, kind);
        if (!c) {
          return h('span', {class: 'muted'}, '0');
        }
        return h('div', {dataset: {kind, events: c.events}},
          h('span', {class: 'funnel-events'}, count(c.events)),
          h('span', {class: 'muted small'}, ` · ${count(c.tenants)} tenant${c.tenants === 1 ? '' : 's'}`),
          bar(c.events / max, kind === 'upgrade_required' ? 'violet' : 'warn'));
      },
    })),
    {label: 'All refusals', num: true, cell: (tier) =>
      count(counts.filter((c) => c.tier === tier).reduce((n, c) => n + c.events, 0))},
  ], tiers));
}
