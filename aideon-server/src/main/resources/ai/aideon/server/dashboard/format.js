// Number, money and time formatting. Money arrives as integer micro-dollars (the ledger's unit) and is formatted
// from integers, so an exact figure is exact to the last micro-dollar.

const counts = new Intl.NumberFormat(undefined, {maximumFractionDigits: 0});
const compactCounts = new Intl.NumberFormat(undefined, {notation: 'compact', maximumFractionDigits: 1});
const oneDecimal = new Intl.NumberFormat(undefined, {minimumFractionDigits: 1, maximumFractionDigits: 1});

/** 12,345 */
export function count(n) {
  return counts.format(n ?? 0);
}

/** "1 error", "3 errors" */
export function plural(n, noun) {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** 1.2K, 3.4M (exact under 10,000) */
export function compact(n) {
  return Math.abs(n ?? 0) < 10_000 ? count(n) : compactCounts.format(n);
}

/** Every micro-dollar: $1,234.000120 */
export function usdExact(micros) {
  const value = BigInt(micros ?? 0);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const dollars = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}$${counts.format(dollars)}.${fraction}`;
}

/**
 * For reading at a glance: cents from $1 up; below $1 as many decimals as the micro-dollars need (at least two),
 * so $0.50 stays $0.50 and a small sum like $0.000054 never shows as $0.00. usdExact gives every digit.
 */
export function usd(micros) {
  const m = Number(micros ?? 0);
  return new Intl.NumberFormat(undefined, {style: 'currency', currency: 'USD', minimumFractionDigits: 2,
    maximumFractionDigits: Math.abs(m) >= 1_000_000 ? 2 : 6}).format(m / 1_000_000);
}

/** 12.5% of a whole; an em dash when there is no whole to be a share of. */
export function percent(part, whole) {
  if (!whole) {
    return '—';
  }
  return `${oneDecimal.format((100 * part) / whole)}%`;
}

/** 45 s, 3 min 20 s, 2 h 5 min */
export function duration(seconds) {
  const s = Math.round(seconds ?? 0);
  if (s < 60) {
    return `${s} s`;
  }
  if (s < 3600) {
    const rest = s % 60;
    return `${Math.floor(s / 60)} min${rest ? ` ${rest} s` : ''}`;
  }
  const rest = Math.floor((s % 3600) / 60);
  return `${count(Math.floor(s / 3600))} h${rest ? ` ${rest} min` : ''}`;
}

/** 85 ms, 1.2 s */
export function latency(ms) {
  return ms < 1000 ? `${count(ms)} ms` : `${oneDecimal.format(ms / 1000)} s`;
}

const clock = new Intl.DateTimeFormat(undefined, {hour: '2-digit', minute: '2-digit', second: '2-digit'});
const dayAndClock = new Intl.DateTimeFormat(undefined, {month: 'short', day: 'numeric', hour: '2-digit',
  minute: '2-digit'});

/** The local wall-clock time, with the day when it is not today. */
export function time(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return '—';
  }
  return d.toDateString() === new Date().toDateString() ? clock.format(d) : dayAndClock.format(d);
}

/** 5 s ago, 3 min ago, 2 h ago, 4 d ago */
export function ago(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A UTC day (yyyy-mm-dd) as "Mar 4" (the ledger's days are UTC days). */
export function utcDay(day) {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : d.toLocaleDateString(undefined, {month: 'short', day: 'numeric',
    timeZone: 'UTC'});
}

/** "upgrade_required" → "Upgrade required" */
export function words(code) {
  const text = String(code ?? '').replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
