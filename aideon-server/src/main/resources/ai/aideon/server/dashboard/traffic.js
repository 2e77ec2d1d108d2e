// Live traffic: the ledger's newest rows (GET /aideon/v1/admin/requests), newest first.

import {h, fill, table, empty, failure, pill} from './dom.js';
import {ago, count, latency, time, usd, usdExact} from './format.js';

const SOURCE_TONE = {local: 'ok', cloud: 'info', cache: 'violet'};

function status(row) {
  // More than one attempt means a retry or a fallback happened: worth seeing next to the outcome.
  const attempts = row.attempts > 1 ? h('div', {class: 'muted small'}, `after ${row.attempts} attempts`) : null;
  if (row.status >= 400) {
    return [pill(`${row.status} ${row.error_kind ?? 'error'}`, 'bad'), attempts];
  }
  if (row.error_kind) {
    return [pill(`${row.status} ${row.error_kind}`, 'warn', 'Answered in part: the stream broke off'), attempts];
  }
  return [pill(String(row.status), 'ok'), attempts];
}

function servedBy(row) {
  if (!row.model) {
    return h('span', {class: 'muted'}, 'no provider answered');
  }
  const who = row.provider ?? (row.source === 'cache' ? 'cache' : '—');
  return h('span', {class: 'served'}, h('span', {class: 'provider'}, who), h('span', {class: 'arrow'}, '→'),
    h('code', {class: 'model', title: row.model}, row.model));
}

/** The p-th percentile (0..1) of numbers, nearest rank. */
function percentile(values, p) {
  if (!values.length) {
    return 0;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

/**
 * @param seen request ids shown by the previous refresh (new ones get highlighted); null on the first render
 * @param tenantName maps a tenant id to the name to show
 */
export function renderTraffic(el, summaryEl, result, seen, tenantName) {
  if (!result.ok) {
    fill(el, failure(result.message));
    fill(summaryEl);
    return new Set(seen ?? []);
  }
  const rows = result.data.data ?? [];
  if (!rows.length) {
    fill(el, empty('No requests yet.', 'As soon as a client calls the gateway, each request shows up here with ' +
      'its route, where it ran and what it cost.'));
    fill(summaryEl);
    return new Set();
  }
  const latencies = rows.map((r) => r.latency_ms);
  fill(summaryEl, `latest ${count(rows.length)} · p50 ${latency(percentile(latencies, 0.5))} · p95 ` +
    `${latency(percentile(latencies, 0.95))} · newest ${ago(rows[0].created_at)}`);
  const columns = [
    {label: 'Time', cell: (r) => time(r.created_at), title: (r) => `${r.created_at} · ${r.request_id}`,
      className: 'nowrap'},
    {label: 'Tenant', cell: (r) => [tenantName(r.tenant), r.tier ? h('span', {class: 'muted small'}, ` · ${r.tier}`)
      : null], title: (r) => r.tenant, className: 'nowrap'},
    {label: 'Route', cell: (r) => (r.route ? h('code', null, r.route) : '—')},
    {label: 'Served by', cell: servedBy},
    {label: 'Source', cell: (r) => (r.source ? pill(r.source, SOURCE_TONE[r.source] ?? 'muted') : '—')},
    {label: 'Status', cell: status},
    {label: 'Latency', num: true, cell: (r) => latency(r.latency_ms)},
    {label: 'Tokens', num: true, cell: (r) => count(r.prompt_tokens + r.completion_tokens),
      title: (r) => `${count(r.prompt_tokens)} in · ${count(r.completion_tokens)} out`},
    {label: 'Cost', num: true, cell: (r) => usd(r.cost_micros), title: (r) => usdExact(r.cost_micros)},
  ];
  fill(el, table(columns, rows, {
    rowClass: (r) => (seen && !seen.has(r.request_id) ? 'row-new' : null),
    rowData: (r) => ({requestId: r.request_id}),
  }));
  return new Set(rows.map((r) => r.request_id));
}
