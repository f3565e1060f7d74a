import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { AppProviders, makeQueryClient } from '../AppProviders';
import type { Lang } from '../i18n';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

/** Replaces fetch with a router over "METHOD /path" keys; unknown calls answer 404. */
export function mockFetch(routes: Record<string, Handler | Response>) {
  const calls: { method: string; url: string; init: RequestInit }[] = [];
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input.toString();
    const method = (init.method ?? 'GET').toUpperCase();
    calls.push({ method, url, init });
    const path = url.replace(/^https?:\/\/[^/]+/, '');
    const key = `${method} ${path.split('?')[0]}`;
    const h = routes[key] ?? routes[`${method} ${path}`];
    if (!h) return json(404, { error: { message: `no route ${key}`, type: 'not_found_error' } });
    return typeof h === 'function' ? h(url, init) : h.clone();
  });
  vi.stubGlobal('fetch', fn);
  return { fn, calls };
}

export function renderWithApp(ui: ReactNode, { lang = 'en', route = '/' }: { lang?: Lang; route?: string } = {}) {
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 }, mutations: { retry: false } });
  return render(
    <AppProviders lang={lang} client={client}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </AppProviders>,
  );
}
