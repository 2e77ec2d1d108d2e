// The dashboard's entry point: sign-in, the refresh loop, and the controls. Each section is drawn by its own
// module from the admin/ops API's answers; a section whose call failed says why and the others still show.

import {AdminApi, ApiError, explain} from './api.js';
import {adoptKeyFromFragment, forgetKey, savedKey, saveKey} from './session.js';
import {fill} from './dom.js';
import {renderOverview} from './overview.js';
import {renderTraffic} from './traffic.js';
import {renderUsage} from './usage.js';
import {cloudState, renderHealth} from './health.js';
import {renderTenants, renderTiers} from './tenants.js';
import {renderFunnel} from './funnel.js';
import {renderReconciliation} from './reconciliation.js';

const $ = (id) => document.getElementById(id);

const PREFS_KEY = 'aideon.dashboard.prefs';
const WINDOWS = {today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days'};
const DEFAULT_PREFS = {window: 'today', group: 'model', metric: 'cost', interval: 5000};

const CHOICES = {window: Object.keys(WINDOWS), group: ['model', 'provider', 'tier', 'tenant', 'day'],
  metric: ['cost', 'calls', 'tokens'], interval: [5000, 15000, 60000]};

/**
 * View settings (never the key) survive a reload; a link may set them in its fragment
 * (#window=7d&group=day&metric=calls), which wins. Anything that is not a known choice is ignored.
 */
function loadPrefs() {
  let stored = {};
  try {
    stored = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') ?? {};
  } catch {
    // unreadable: defaults
  }
  const linked = Object.fromEntries(new URLSearchParams(window.location.hash.slice(1)));
  const prefs = {...DEFAULT_PREFS};
  for (const [name, allowed] of Object.entries(CHOICES)) {
    for (const source of [stored, linked]) {
      const value = name === 'interval' && typeof source[name] === 'string' ? Number(source[name]) : source[name];
      if (allowed.includes(value)) {
        prefs[name] = value;
      }
    }
  }
  return prefs;
}

const prefs = loadPrefs();
const state = {api: null, timer: null, paused: false, busy: false, again: false, seen: null, lastOk: null};

function savePrefs() {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // private mode: settings just do not persist
  }
  // The address bar names the view, so it can be bookmarked or shared (it never holds the key).
  const view = new URLSearchParams({window: prefs.window, group: prefs.group, metric: prefs.metric});
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#${view}`);
}

function utcToday() {
  return new Date().toISOString().slice(0, 10);
}

/** The window's start as the API takes it: a UTC day for today, else an instant. */
function windowStart(name) {
  if (name === 'today') {
    return utcToday();
  }
  const days = name === '30d' ? 30 : 7;
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

function windowText(name, from) {
  if (name === 'today') {
    return 'Today since 00:00 UTC';
  }
  return `${WINDOWS[name]}, since ${new Date(from).toLocaleString(undefined, {dateStyle: 'medium',
    timeStyle: 'short'})}`;
}

async function settle(promise) {
  try {
    return {ok: true, data: await promise};
  } catch (error) {
    return {ok: false, error, message: explain(error)};
  }
}

function banner(text, tone = 'bad') {
  const el = $('banner');
  el.hidden = !text;
  el.className = `banner banner-${tone}`;
  fill(el, text ?? '');
}

function setGatewayState(text, tone, title) {
  const el = $('gateway-state');
  el.className = `pill pill-${tone}`;
  el.title = title ?? '';
  fill(el, text);
}

function showUpdated() {
  const at = state.lastOk ? `Updated ${state.lastOk.toLocaleTimeString()}` : 'Not updated yet';
  fill($('updated'), state.paused ? `${at} · paused` : at);
}

/** Every call of one refresh, made in parallel. */
function requests(api) {
  const from = windowStart(prefs.window);
  return {
    from,
    calls: {
      health: api.get('/aideon/v1/health'),
      traffic: api.get('/aideon/v1/admin/requests', {limit: 50}),
      sources: api.get('/aideon/v1/usage', {group_by: 'source', from}),
      usage: api.get('/aideon/v1/usage', {group_by: prefs.group, from}),
      tenants: api.get('/aideon/v1/admin/tenants'),
      keys: api.get('/aideon/v1/admin/keys'),
      tiers: api.get('/aideon/v1/admin/tiers'),
      // Budgets run per UTC month or day whatever window is shown: the usage API defaults to this month.
      month: api.get('/aideon/v1/usage', {group_by: 'tenant'}),
      today: api.get('/aideon/v1/usage', {group_by: 'tenant', from: utcToday()}),
      funnel: api.get('/aideon/v1/admin/conversions', {group_by: 'tier', from}),
      reconciliation: api.get('/aideon/v1/admin/reconciliation', {from}),
    },
  };
}

async function refresh() {
  if (!state.api) {
    return;
  }
  if (state.busy) {
    state.again = true; // a control changed mid-refresh: refresh once more when this one ends
    return;
  }
  state.busy = true;
  clearTimeout(state.timer);
  try {
    const {from, calls} = requests(state.api);
    const r = {};
    await Promise.all(Object.entries(calls).map(async ([name, call]) => {
      r[name] = await settle(call);
    }));
    if (!state.api) {
      return; // signed out while the calls were under way
    }
    const auth = Object.values(r).find((x) => !x.ok && x.error instanceof ApiError && x.error.isAuth);
    if (auth) {
      signOut(auth.message);
      return;
    }
    if (Object.values(r).every((x) => !x.ok && x.error instanceof ApiError && x.error.status === 0)) {
      // Keep the last figures on screen, clearly marked as old, and keep trying.
      banner(`Cannot reach the gateway at ${window.location.host}. Showing the figures from ` +
        `${state.lastOk ? state.lastOk.toLocaleTimeString() : 'before'}; retrying.`);
      setGatewayState('Gateway unreachable', 'bad');
      document.body.classList.add('stale');
      return;
    }
    banner(null);
    document.body.classList.remove('stale');
    render(r, from);
    state.lastOk = new Date();
  } finally {
    state.busy = false;
    showUpdated();
    if (state.again && state.api) {
      state.again = false;
      refresh();
    } else {
      schedule();
    }
  }
}

function render(r, from) {
  const names = Object.fromEntries((r.tenants.ok ? r.tenants.data.data : []).map((t) => [t.id, t.name]));
  const tenantName = (id) => names[id] ?? id ?? '—';
  fill($('overview-range'), windowText(prefs.window, from));
  renderOverview($('tiles'), r.sources);
  state.seen = renderTraffic($('traffic-body'), $('traffic-summary'), r.traffic, state.seen, tenantName);
  renderUsage($('usage-body'), r.usage, prefs.group, prefs.metric, tenantName);
  renderHealth($('health-body'), $('cloud-state'), r.health);
  renderTenants($('tenants-body'), {tenants: r.tenants, keys: r.keys, month: r.month, today: r.today});
  renderTiers($('tiers-body'), r.tiers);
  renderFunnel($('funnel-body'), r.funnel);
  renderReconciliation($('reconciliation-body'), r.reconciliation);
  if (r.health.ok) {
    const [text, tone, why] = cloudState(r.health.data);
    setGatewayState(tone === 'ok' ? 'Gateway up' : `Gateway up · ${text}`, tone, why);
  } else {
    setGatewayState('Health unknown', 'warn', r.health.message);
  }
}

function schedule() {
  clearTimeout(state.timer);
  if (state.api && !state.paused) {
    state.timer = setTimeout(() => {
      // A hidden tab does not poll; it catches up as soon as it is shown again (see visibilitychange).
      if (document.visibilityState === 'hidden') {
        schedule();
      } else {
        refresh();
      }
    }, prefs.interval);
  }
}

function markPressed(groupId, attribute, value) {
  for (const button of $(groupId).querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset[attribute] === value));
  }
}

function showApp() {
  $('signin').hidden = true;
  $('app').hidden = false;
  markPressed('window-picker', 'window', prefs.window);
  markPressed('usage-group', 'group', prefs.group);
  markPressed('usage-metric', 'metric', prefs.metric);
  $('refresh-interval').value = String(prefs.interval);
}

function showSignin(message) {
  $('app').hidden = true;
  $('signin').hidden = false;
  const error = $('signin-error');
  error.hidden = !message;
  fill(error, message ?? '');
  $('signin-key').value = '';
  $('signin-key').focus();
}

/** Checks the key on an admin-only endpoint before keeping it: a wrong key is never stored. */
async function signIn(key) {
  const api = new AdminApi(key);
  try {
    await api.get('/aideon/v1/admin/tiers');
  } catch (error) {
    forgetKey();
    showSignin(explain(error));
    return;
  }
  saveKey(key);
  state.api = api;
  state.seen = null;
  showApp();
  await refresh();
}

/** Forgets the key and takes every figure off the screen. */
function signOut(message) {
  forgetKey();
  state.api = null;
  state.lastOk = null;
  clearTimeout(state.timer);
  for (const id of ['tiles', 'traffic-body', 'traffic-summary', 'usage-body', 'health-body', 'tenants-body',
    'tiers-body', 'funnel-body', 'reconciliation-body']) {
    fill($(id));
  }
  banner(null);
  showSignin(message);
}

function wireControls() {
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('signin-key').value.trim();
    if (!key) {
      showSignin('Enter the admin key.');
      return;
    }
    signIn(key);
  });
  $('signout').addEventListener('click', () => signOut(null));
  $('window-picker').addEventListener('click', (event) => {
    const value = event.target.closest('button')?.dataset.window;
    if (value && value !== prefs.window) {
      prefs.window = value;
      state.seen = null;
      savePrefs();
      markPressed('window-picker', 'window', value);
      refresh();
    }
  });
  $('usage-group').addEventListener('click', (event) => {
    const value = event.target.closest('button')?.dataset.group;
    if (value && value !== prefs.group) {
      prefs.group = value;
      savePrefs();
      markPressed('usage-group', 'group', value);
      refresh();
    }
  });
  $('usage-metric').addEventListener('click', (event) => {
    const value = event.target.closest('button')?.dataset.metric;
    if (value && value !== prefs.metric) {
      prefs.metric = value;
      savePrefs();
      markPressed('usage-metric', 'metric', value);
      refresh();
    }
  });
  $('refresh-interval').addEventListener('change', (event) => {
    prefs.interval = Number(event.target.value);
    savePrefs();
    schedule();
  });
  $('pause').addEventListener('click', () => {
    state.paused = !state.paused;
    fill($('pause'), state.paused ? 'Resume' : 'Pause');
    $('pause').setAttribute('aria-pressed', String(state.paused));
    showUpdated();
    if (state.paused) {
      clearTimeout(state.timer);
    } else {
      refresh();
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.api && !state.paused) {
      refresh();
    }
  });
}

wireControls();
adoptKeyFromFragment();
const key = savedKey();
if (key) {
  signIn(key);
} else {
  showSignin(null);
}
