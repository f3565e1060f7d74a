import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, apiBase, errorFromResponse, getToken, onTokenChange, setToken, takeUnauthorizedReason } from './client';
import { json, mockFetch } from '../test/util';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
});

describe('errorFromResponse', () => {
  it('reads the OpenAI-style error object', async () => {
    const e = await errorFromResponse(json(400, { error: { message: 'weight must be > 0', type: 'invalid_request_error', param: 'weight', code: 'bad_weight' } }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.message).toBe('weight must be > 0');
    expect(e.type).toBe('invalid_request_error');
    expect(e.param).toBe('weight');
    expect(e.code).toBe('bad_weight');
  });
  it('keeps the whole body for extra facts (e.g. blocking deployments)', async () => {
    const body = { error: { message: 'in use', type: 'conflict_error', deployments: ['d1'] } };
    const e = await errorFromResponse(json(409, body));
    expect(e.body).toEqual(body);
    expect(e.param).toBeNull();
  });
  it('copes with bodies that are not JSON', async () => {
    const e = await errorFromResponse(new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(e.status).toBe(502);
    expect(e.message).toBe('HTTP 502 Bad Gateway');
    expect(e.type).toBe('api_error');
  });
});

describe('request', () => {
  it('sends the admin token and JSON body, and parses the answer', async () => {
    setToken('tok-1');
    const { calls } = mockFetch({ 'POST /api/providers': json(201, { id: 'p' }) });
    const r = await api.post<{ id: string }>('/api/providers', { name: 'x' });
    expect(r.id).toBe('p');
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers['X-Admin-Token']).toBe('tok-1');
    expect(headers['Content-Type']).toBe('application/json');
    expect(calls[0].init.body).toBe('{"name":"x"}');
  });
  it('returns undefined for 204', async () => {
    mockFetch({ 'DELETE /api/providers/a': new Response(null, { status: 204 }) });
    await expect(api.del('/api/providers/a')).resolves.toBeUndefined();
  });
  it('throws ApiError with the param of the error object', async () => {
    mockFetch({ 'POST /api/providers': json(400, { error: { message: 'base_url must be http(s)', type: 'invalid_request_error', param: 'base_url' } }) });
    const err = await api.post('/api/providers', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).param).toBe('base_url');
  });
  it('a 401 signs out and remembers why', async () => {
    setToken('old');
    let changes = 0;
    const off = onTokenChange(() => changes++);
    mockFetch({ 'GET /api/providers': json(401, { error: { message: 'bad admin token', type: 'authentication_error' } }) });
    await expect(api.get('/api/providers')).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBeNull();
    expect(changes).toBe(1);
    expect(takeUnauthorizedReason()).toBe('bad admin token');
    expect(takeUnauthorizedReason()).toBeNull();
    off();
  });
  it('keepSessionOn401 leaves the session alone (the sign-in check)', async () => {
    setToken('keep');
    mockFetch({ 'GET /api/providers': json(401, { error: { message: 'no', type: 'authentication_error' } }) });
    await expect(api.get('/api/providers', { token: 'other', keepSessionOn401: true })).rejects.toMatchObject({ status: 401 });
    expect(getToken()).toBe('keep');
  });
  it('turns a failed fetch into a network ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api.get('/api/status')).rejects.toMatchObject({ status: 0, type: 'network_error' });
  });
  it('prefixes VITE_API_BASE', async () => {
    vi.stubEnv('VITE_API_BASE', 'https://router.example.com/');
    expect(apiBase()).toBe('https://router.example.com');
    const { calls } = mockFetch({ 'GET /api/status': json(200, {}) });
    await api.get('/api/status');
    expect(calls[0].url).toBe('https://router.example.com/api/status');
  });
});
