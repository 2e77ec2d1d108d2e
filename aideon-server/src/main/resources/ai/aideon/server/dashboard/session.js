// Where the admin key lives: sessionStorage of this tab only (gone when the tab closes, never in localStorage or a
// cookie, so the browser never sends it by itself). A link may carry it in the URL fragment (#key=…): browsers
// never send the fragment to the server, and the page moves it into sessionStorage and removes it from the
// address bar at once, so it does not stay in the visible URL or get bookmarked.

const STORAGE_KEY = 'aideon.dashboard.adminKey';

/**
 * Moves #key=… out of the address bar into the session (other fragment parameters, the view, stay); returns true
 * when there was one.
 */
export function adoptKeyFromFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const key = fragment.get('key');
  if (!fragment.has('key')) {
    return false;
  }
  fragment.delete('key');
  const rest = fragment.toString();
  history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
  if (key && key.trim()) {
    saveKey(key.trim());
  }
  return true;
}

export function savedKey() {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveKey(key) {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey() {
  sessionStorage.removeItem(STORAGE_KEY);
}
