// The one place that talks HTTP to the sparouter server. Every /api call carries the admin
// token (X-Admin-Token); a 401 clears it and brings the sign-in back. Errors arrive as
// ApiError built from the server's error object ({"error": {message, type, param, code}}).

const TOKEN_KEY = 'sparouter.adminToken';

/** Where the API lives: "" (same origin) unless VITE_API_BASE points elsewhere. */
export function apiBase(): string {
  const base = (import.meta.env.VITE_API_BASE as string | undefined) ?? '';
  return base.replace(/\/+$/, '');
}

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  /** The whole parsed body, for errors that carry more (e.g. the deployments blocking a delete). */
  readonly body: unknown;

  constructor(status: number, message: string, opts: { type?: string; param?: string | null; code?: string | null; body?: unknown } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = opts.type ?? (status === 0 ? 'network_error' : 'api_error');
    this.param = opts.param ?? null;
    this.code = opts.code ?? null;
    this.body = opts.body;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Builds an ApiError from a response whose status is not 2xx. Never throws. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await res.text();
  } catch {
    /* body unreadable: fall through to the status line */
  }
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const err = (body as { error?: unknown } | undefined)?.error;
  if (err && typeof err === 'object') {
    const e = err as Record<string, unknown>;
    return new ApiError(res.status, typeof e.message === 'string' && e.message ? e.message : `HTTP ${res.status}`, {
      type: typeof e.type === 'string' ? e.type : undefined,
      param: typeof e.param === 'string' ? e.param : null,
      code: typeof e.code === 'string' ? e.code : null,
      body,
    });
  }
  if (typeof err === 'string') return new ApiError(res.status, err, { body });
  const statusText = res.statusText ? ` ${res.statusText}` : '';
  return new ApiError(res.status, `HTTP ${res.status}${statusText}`, { body });
}

// ---- admin token ---------------------------------------------------------------------------

type Listener = () => void;
const listeners = new Set<Listener>();

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the token lives only as long as this call chain */
  }
  listeners.forEach((l) => l());
}

/** Called whenever the token changes (sign-in, sign-out, 401). */
export function onTokenChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

let unauthorizedReason: string | null = null;
/** Why the last sign-out happened by itself (a 401), for the sign-in screen; read once. */
export function takeUnauthorizedReason(): string | null {
  const r = unauthorizedReason;
  unauthorizedReason = null;
  return r;
}

// ---- requests ------------------------------------------------------------------------------

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Use this token instead of the stored one (sign-in checks a token before storing it). */
  token?: string;
  /** Do not sign out on 401 (the sign-in check itself). */
  keepSessionOn401?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = opts.token ?? getToken();
  if (token) headers['X-Admin-Token'] = token;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(`${apiBase()}${path}`, { method, headers, body: payload, signal: opts.signal });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, (e as Error)?.message || 'Network error', { type: 'network_error' });
  }
  if (!res.ok) {
    const err = await errorFromResponse(res);
    if (res.status === 401 && !opts.keepSessionOn401) {
      unauthorizedReason = err.message;
      setToken(null);
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'The server answered with something that is not JSON', { type: 'api_error' });
  }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body: body ?? {} }),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  del: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/** Path segment escaping for ids and group names. */
export const seg = (s: string) => encodeURIComponent(s);
