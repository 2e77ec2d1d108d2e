// The gateway's admin and ops API, called with the operator's key. Failures become ApiError with the status and
// the OpenAI-style error code the gateway sent, so each view can say what went wrong in words.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The key was refused (401) or is not an admin key (403): the dashboard cannot work with it. */
  get isAuth() {
    return this.status === 401 || (this.status === 403 && this.code === 'admin_required');
  }
}

/** What a failed call means to the operator, in one sentence. */
export function explain(error) {
  if (!(error instanceof ApiError)) {
    return 'Unexpected problem: ' + (error?.message ?? String(error));
  }
  if (error.status === 0) {
    return 'Cannot reach the gateway. It may have stopped or restarted; retrying.';
  }
  if (error.status === 401) {
    return 'This key is not recognised by this gateway.';
  }
  if (error.status === 403 && error.code === 'admin_required') {
    return 'This key is not an admin key. The dashboard needs the operator key (admin_key in aideon.yaml).';
  }
  if (error.code === 'no_store') {
    return 'This gateway runs without a store (store: none), so nothing is recorded to show here.';
  }
  return `${error.message} (HTTP ${error.status}${error.code ? `, ${error.code}` : ''})`;
}

export class AdminApi {
  constructor(key, timeoutMs = 15000) {
    this.key = key;
    this.timeoutMs = timeoutMs;
  }

  /** GET path?params as JSON; throws ApiError. */
  async get(path, params = {}) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value != null) {
        query.set(name, String(value));
      }
    }
    const search = query.toString();
    const url = path + (search ? `?${search}` : '');
    let response;
    try {
      response = await fetch(url, {
        headers: {Authorization: `Bearer ${this.key}`, Accept: 'application/json'},
        cache: 'no-store',
        credentials: 'omit',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new ApiError(0, 'network', e?.message ?? 'network error');
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: reported below with the status alone
    }
    if (!response.ok) {
      const err = body?.error ?? {};
      throw new ApiError(response.status, err.code ?? null, err.message ?? `HTTP ${response.status}`);
    }
    return body;
  }
}
