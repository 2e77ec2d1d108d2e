// Reconciliation (GET /aideon/v1/admin/reconciliation): per provider and UTC day, the requests, tokens, units
// (images + audio seconds) and exact cost the gateway recorded, to hold against each provider's bill.

import {h, fill, table, empty, failure} from './dom.js';
import {count, usdExact, utcDay} from './format.js';

export function renderReconciliation(el, result) {
  if (!result.ok) {
    fill(el, failure(result.message));
    return;
  }
  const lines = result.data.data ?? [];
  if (!lines.length) {
    fill(el, empty('Nothing to reconcile in this window.', 'Calls to providers appear here per provider and UTC ' +
      'day; cache hits are left out, since no provider billed them.'));
    return;
  }
  const byProvider = new Map();
  for (const l of lines) {
    const p = byProvider.get(l.provider) ?? {provider: l.provider, days: 0, requests: 0, prompt_tokens: 0,
      completion_tokens: 0, units: 0, cost_micros: 0};
    p.days += 1;
    for (const f of ['requests', 'prompt_tokens', 'completion_tokens', 'units', 'cost_micros']) {
      p[f] += l[f];
    }
    byProvider.set(l.provider, p);
  }
  const numbers = [
    {label: 'Calls', num: true, cell: (l) => count(l.requests), hint: 'Every call attributed to the provider'},
    {label: 'Prompt tokens', num: true, cell: (l) => count(l.prompt_tokens)},
    {label: 'Completion tokens', num: true, cell: (l) => count(l.completion_tokens)},
    {label: 'Units', num: true, cell: (l) => count(l.units), hint: 'Images plus audio seconds'},
    {label: 'Cost (USD)', num: true, cell: (l) => usdExact(l.cost_micros)},
  ];
  const totals = [...byProvider.values()].sort((a, b) => b.cost_micros - a.cost_micros);
  fill(el,
    h('h3', null, 'Per provider, whole window'),
    table([{label: 'Provider', cell: (p) => h('strong', null, p.provider)},
      {label: 'Days', num: true, cell: (p) => count(p.days)}, ...numbers], totals),
    h('h3', null, 'Per provider and day'),
    table([{label: 'Day (UTC)', cell: (l) => utcDay(l.day), title: (l) => l.day},
      {label: 'Provider', cell: (l) => l.provider}, ...numbers], [...lines].sort((a, b) => b.day.localeCompare(a.day) || a.provider.localeCompare(b.provider))));
}
