import { useSyncExternalStore } from 'react';

/** Where the browser keeps the API token of a server started with FANOUT_API_TOKEN. */
const STORAGE_KEY = 'fanout.apiToken';

/**
 * The token to send: from `?token=` in the address (then removed from it, so it is not bookmarked or
 * shared by accident), else the one saved earlier; null when there is none.
 */
export function takeApiToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    saveApiToken(fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveApiToken(token: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Storage refused (private mode): the token lasts for this page only.
  }
}

let unauthorized = false;
const listeners = new Set<() => void>();

/** Called by the API client on a 401: the server wants a (different) token. */
export function reportUnauthorized(): void {
  if (unauthorized) return;
  unauthorized = true;
  for (const listener of listeners) listener();
}

/** Whether the server has refused this browser's token (or the lack of one). */
export function useUnauthorized(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => unauthorized,
  );
}
