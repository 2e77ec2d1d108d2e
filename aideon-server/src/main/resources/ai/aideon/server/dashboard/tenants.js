// Tenants (store and config file) with their tier, keys (prefixes only), budget and what they spent of it in the
// budget's own period; and the tiers with their routes, rates, quotas and budgets.

import {h, fill, table, empty, failure, pill, bar} from './dom.js';
import {count, duration, usd, usdExact} from './format.js';

const PERIOD = {day: 'day', month: 'month'};
/** Under a tenant's name: where it is defined (store tenants show their id instead). */
const ORIGIN = {config: 'from aideon.yaml', ledger: 'only seen in the ledger'};

/** "100,000 requests / day", "$1.00 / month" */
export function limitText(limit) {
  const per = ` / ${PERIOD[limit.period] ?? limit.period}`;
  switch (limit.meter) {
    case 'cost_micros':
      return usd(limit.max) + per;
    case 'audio_seconds':
      return duration(limit.max) + ' audio' + per;
    default:
      return `${count(limit.max)} ${limit.meter.replaceAll('_', ' ')}${per}`;
  }
}

function rateText(rpm, tpm) {
  if (!rpm && !tpm) {
    return h('span', {class: 'muted'}, 'unlimited');
  }
  return [rpm ? `${count(rpm)} req/min` : 'any req/min', h('br'), tpm ? `${count(tpm)} tok/min` : 'any tok/min'];
}

function budgetOf(limits) {
  return (limits ?? []).find((l) => l.meter === 'cost_micros') ?? null;
}

function quotasOf(limits) {
  const quotas = (limits ?? []).filter((l) => l.meter !== 'cost_micros');
  return quotas.length ? h('div', {class: 'chips'}, quotas.map((l) => h('span', {class: 'chip'}, limitText(l))))
    : h('span', {class: 'muted'}, 'none');
}

function spendCell(budget, spentMicros) {
  if (!budget) {
    return [usd(spentMicros), h('div', {class: 'muted small'}, 'no budget')];
  }
  const share = budget.max ? spentMicros / budget.max : 1;
  const tone = share >= 0.9 ? 'bad' : share >= 0.7 ? 'warn' : 'ok';
  return h('div', {class: 'budget', title: `${usdExact(spentMicros)} of ${usdExact(budget.max)}`},
    h('div', {class: 'budget-figures'}, h('span', null, usd(spentMicros)),
      h('span', {class: 'muted'}, ` of ${limitText(budget)}`)),
    bar(share, tone));
}

function keysCell(tenant, keysByTenant) {
  if (tenant.source === 'config') {
    return h('span', {class: 'muted nowrap'}, 'config file');
  }
  if (tenant.source === 'ledger') {
    return h('span', {class: 'muted'}, '—');
  }
  const keys = (keysByTenant[tenant.id] ?? []).filter((k) => !k.revoked_at);
  if (!keys.length) {
    return h('span', {class: 'muted'}, 'no active key');
  }
  return h('div', null, keys.slice(0, 3).map((k) => h('code', {class: 'chip', title: `${k.name} · ${k.key_id}`},
    k.prefix + '…', k.admin ? ' admin' : '')),
  keys.length > 3 ? h('span', {class: 'muted small'}, ` +${keys.length - 3}`) : null);
}

/**
 * @param month usage by tenant for this UTC month; today: the same for today (daily budgets)
 */
export function renderTenants(el, results) {
  const {tenants, keys, month, today} = results;
  if (!tenants.ok) {
    fill(el, failure(tenants.message));
    return;
  }
  const list = [...(tenants.data.data ?? [])];
  const byMonth = Object.fromEntries((month.ok ? month.data.data : []).map((g) => [g.key, g]));
  const byDay = Object.fromEntries((today.ok ? today.data.data : []).map((g) => [g.key, g]));
  const known = new Set(list.map((t) => t.id));
  // Requests may come from tenants neither list holds (e.g. the operator's own key): show what the ledger saw.
  for (const id of Object.keys(byMonth)) {
    if (!known.has(id)) {
      list.push({id, name: id, tier: null, source: 'ledger', effective: {rpm: 0, tpm: 0, limits: []}});
    }
  }
  if (!list.length) {
    fill(el, empty('No tenants yet.', 'Create one with ./aideon keys create --tenant NAME --tier TIER, or add ' +
      'client keys under clients: in aideon.yaml.'));
    return;
  }
  const keysByTenant = {};
  for (const k of keys.ok ? keys.data.data : []) {
    (keysByTenant[k.tenant_id] ??= []).push(k);
  }
  const spent = (t) => {
    const budget = budgetOf(t.effective?.limits);
    const usage = budget?.period === 'day' ? byDay[t.id] : byMonth[t.id];
    return usage?.cost_micros ?? 0;
  };
  list.sort((a, b) => spent(b) - spent(a) || (byMonth[b.id]?.calls ?? 0) - (byMonth[a.id]?.calls ?? 0)
    || a.name.localeCompare(b.name));
  fill(el, table([
    {label: 'Tenant', className: 'nowrap', cell: (t) => [h('strong', null, t.name), h('div', {class: 'muted small'}, ORIGIN[t.source] ?? t.id)],
      title: (t) => t.id},
    {label: 'Tier', cell: (t) => (t.tier ? pill(t.tier, t.admin ? 'violet' : 'info') : '—')},
    {label: 'Keys', cell: (t) => keysCell(t, keysByTenant)},
    {label: 'Spent this period', cell: (t) => spendCell(budgetOf(t.effective?.limits), spent(t)),
      className: 'budget-cell'},
    {label: 'Requests this month', num: true, cell: (t) => count(byMonth[t.id]?.calls ?? 0)},
    {label: 'Rate limits', cell: (t) => rateText(t.effective?.rpm, t.effective?.tpm), className: 'nowrap'},
    {label: 'Quotas', cell: (t) => quotasOf(t.effective?.limits)},
  ], list, {rowData: (t) => ({tenant: t.id})}),
  !keys.ok ? failure(`Keys: ${keys.message}`) : null,
  !month.ok ? failure(`Spend: ${month.message}`) : null);
}

export function renderTiers(el, result) {
  if (!result.ok) {
    fill(el, failure(result.message));
    return;
  }
  const tiers = result.data.data ?? [];
  if (!tiers.length) {
    fill(el, empty('No tiers configured.', 'Without tiers: in aideon.yaml every tier has only the catalog\'s ' +
      'model access, no rates, quotas or budgets.'));
    return;
  }
  fill(el, table([
    {label: 'Tier', cell: (t) => pill(t.name, 'info')},
    {label: 'Routes', cell: (t) => (t.routes.length ? t.routes.map((r) => h('code', {class: 'chip'}, r))
      : h('span', {class: 'muted'}, 'every route that plans for it'))},
    {label: 'Rate limits', cell: (t) => rateText(t.rpm, t.tpm)},
    {label: 'Quotas', cell: (t) => quotasOf(t.limits)},
    {label: 'Budget', cell: (t) => {
      const budget = budgetOf(t.limits);
      return budget ? limitText(budget) : h('span', {class: 'muted'}, 'none');
    }},
    {label: 'Upgrade to', cell: (t) => (t.upgrade_to ? pill(t.upgrade_to, 'violet') : '—')},
  ], tiers));
}
