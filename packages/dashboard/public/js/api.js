// The one way the pages talk to the server: JSON in and out, the session in HttpOnly cookies
// (sent by the browser, never readable here), one refresh attempt when a session expires.

export class ApiError extends Error {
  constructor(status, body) {
    const error = body?.error ?? {};
    super(error.message ?? `the server answered ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code ?? `HTTP_${status}`;
    this.issues = error.issues ?? [];
  }
}

let refreshing;

/** Tries the refresh cookie once for all callers at the same moment; true when a new session was issued. */
function refresh() {
  refreshing ??= fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'same-origin' })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      setTimeout(() => {
        refreshing = undefined;
      }, 0);
    });
  return refreshing;
}

/** Workspace calls whose 401 may only mean an expired access token (not sign-in itself, not the master's). */
const refreshable = (path) =>
  path === '/api/v1/auth/me' || !(path.startsWith('/api/v1/auth/') || path.startsWith('/api/v1/master/'));

export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * api('/api/v1/logs', { query: { page: 2 } }); api('/api/v1/config', { method: 'PATCH', body: {...} }).
 * Resolves with the parsed JSON; throws ApiError with the server's code, message and issues.
 */
export async function api(path, { method = 'GET', body, query, retry = true } = {}) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const url = withQuery(path, query);
  const res = await fetch(url, init);
  if (res.status === 401 && retry && refreshable(path)) {
    if (await refresh()) return api(path, { method, body, query, retry: false });
    // The shell asks /auth/me itself; any other call tells it the session is gone.
    if (path !== '/api/v1/auth/me') window.dispatchEvent(new CustomEvent('smmbot:signed-out'));
  }
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json().catch(() => undefined) : await res.text();
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path, query) => api(path, { query });
export const post = (path, body = {}) => api(path, { method: 'POST', body });
export const patch = (path, body) => api(path, { method: 'PATCH', body });
export const put = (path, body) => api(path, { method: 'PUT', body });
export const del = (path) => api(path, { method: 'DELETE' });
