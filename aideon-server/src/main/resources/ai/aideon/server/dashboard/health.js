// Providers and health (GET /aideon/v1/health): every configured provider with its state and circuit breakers,
// the probed local engines, and whether the cloud is reachable or routing is local-only.

import {h, fill, table, empty, failure, pill} from './dom.js';
import {ago, count} from './format.js';

const ENGINE_TONE = {up: 'ok', loading: 'warn', down: 'bad'};
const BREAKER_TONE = {closed: 'ok', half_open: 'warn', open: 'bad', forced_open: 'bad', disabled: 'muted'};

/** What routing does right now with the cloud, as [text, tone, explanation]. */
export function cloudState(health) {
  if (health.offline) {
    return ['Offline mode', 'warn', 'The config says offline: true, so every request stays on local engines.'];
  }
  if (health.local_only) {
    return ['Local-only: cloud unreachable', 'bad',
      'No cloud provider answered its last probe; requests stay local until one does.'];
  }
  return ['Cloud reachable', 'ok', 'Requests may use cloud providers as their plans allow.'];
}

/** provider → [{model, state}] from the "provider:model" breaker keys. */
function breakersByProvider(breakers) {
  const out = {};
  for (const [key, state] of Object.entries(breakers ?? {})) {
    const cut = key.indexOf(':');
    const provider = cut < 0 ? key : key.slice(0, cut);
    (out[provider] ??= []).push({model: cut < 0 ? '' : key.slice(cut + 1), state});
  }
  return out;
}

function providerState(name, p, health, breakers) {
  if (!p.enabled) {
    return [pill('off', 'bad'), health.disabled_providers?.[name] ?? 'switched off'];
  }
  if (health.simulators?.[name] === 'down') {
    return [pill('down', 'bad'), 'simulated outage (demo switch)'];
  }
  const engine = health.local_engines?.[name];
  if (engine) {
    return [pill(engine.state, ENGINE_TONE[engine.state] ?? 'muted'), engine.detail ?? 'probed'];
  }
  if (health.cloud_reachable?.[name] === false) {
    return [pill('unreachable', 'bad'), 'its address did not answer the last probe'];
  }
  const open = breakers.filter((b) => b.state === 'open' || b.state === 'forced_open');
  if (open.length) {
    return [pill('degraded', 'bad'), `${count(open.length)} model breaker(s) open`];
  }
  if (breakers.some((b) => b.state === 'half_open')) {
    return [pill('recovering', 'warn'), 'a breaker is letting trial calls through'];
  }
  const how = name in (health.simulators ?? {}) ? 'simulated'
    : health.cloud_reachable?.[name] ? 'reachable' : p.source === 'local' ? 'in process or not probed' : 'not probed';
  return [pill('up', 'ok'), how];
}

function breakerCell(list) {
  if (!list.length) {
    return h('span', {class: 'muted'}, 'no calls yet');
  }
  const counts = {};
  for (const b of list) {
    counts[b.state] = (counts[b.state] ?? 0) + 1;
  }
  return h('div', {class: 'breakers'},
    Object.entries(counts).map(([state, n]) => pill(`${n} ${state.replace('_', '-')}`, BREAKER_TONE[state] ?? 'muted')),
    list.filter((b) => b.state !== 'closed').map((b) => h('div', {class: 'small'}, h('code', null, b.model),
      ` ${b.state.replace('_', '-')}`)));
}

function modelsCell(engine) {
  if (!engine.discovers) {
    return h('span', {class: 'muted'}, 'declared in config');
  }
  const ids = engine.model_ids ?? [];
  if (!ids.length) {
    return h('span', {class: 'muted'}, engine.discovery_error ? `none (${engine.discovery_error})` : 'none found');
  }
  const shown = ids.slice(0, 4);
  return h('div', null, shown.map((id) => h('code', {class: 'chip'}, id)),
    ids.length > shown.length ? h('span', {class: 'muted small'}, ` +${ids.length - shown.length} more`) : null);
}

export function renderHealth(el, stateEl, result) {
  if (!result.ok) {
    fill(el, failure(result.message));
    fill(stateEl);
    return;
  }
  const health = result.data;
  const [text, tone, why] = cloudState(health);
  stateEl.className = `pill pill-${tone}`;
  stateEl.title = why;
  fill(stateEl, text);

  const breakers = breakersByProvider(health.breakers);
  const providers = Object.entries(health.providers ?? {});
  const providerTable = providers.length
    ? table([
      {label: 'Provider', cell: ([name]) => h('strong', null, name)},
      {label: 'Type', cell: ([, p]) => p.type},
      {label: 'Source', cell: ([, p]) => pill(p.source, p.source === 'local' ? 'ok' : 'info')},
      {label: 'State', cell: ([name, p]) => providerState(name, p, health, breakers[name] ?? [])[0]},
      {label: 'Detail', cell: ([name, p]) => providerState(name, p, health, breakers[name] ?? [])[1],
        className: 'detail'},
      {label: 'Circuit breakers (per model)', cell: ([name]) => breakerCell(breakers[name] ?? [])},
    ], providers, {rowData: ([name]) => ({provider: name})})
    : empty('No providers configured.', 'Add providers under providers: in aideon.yaml.');

  const engines = Object.entries(health.local_engines ?? {});
  const engineTable = engines.length
    ? table([
      {label: 'Engine', cell: ([name]) => h('strong', null, name)},
      {label: 'Type', cell: ([, e]) => e.type},
      {label: 'State', cell: ([, e]) => pill(e.state, ENGINE_TONE[e.state] ?? 'muted')},
      {label: 'Probe said', cell: ([, e]) => e.detail ?? '—', className: 'detail'},
      {label: 'Last probe', cell: ([, e]) => (e.last_probe ? ago(e.last_probe) : 'not yet'),
        title: ([, e]) => e.last_probe ?? ''},
      {label: 'Models', cell: ([, e]) => modelsCell(e)},
    ], engines)
    : empty('No local engines are probed.', 'Ollama, llama.cpp, vLLM and whisper.cpp providers are probed for ' +
      'health and their models discovered; in-process engines (onnx, espeak, pocketsphinx) are listed above.');

  fill(el, providerTable, h('h3', null, 'Local engines'), engineTable);
}
