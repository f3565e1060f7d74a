import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setToken } from '../api/client';
import type { Provider } from '../api/types';
import { App } from '../App';
import { json, mockFetch, renderWithApp } from '../test/util';
import { ProviderForm, providerBody } from './ProviderForm';
import { blockingDeployments } from './Providers';
import { DeploymentForm } from './routing/DeploymentForm';
import { ApiError } from '../api/client';

afterEach(() => vi.unstubAllGlobals());

const provider: Provider = {
  id: 'p1', name: 'Main', kind: 'openai_compatible', base_url: 'http://x/v1', api_version: null,
  has_api_key: true, api_key_masked: 'sk-…abcd', enabled: true, models: [{ id: 'm1', source: 'sync' }], health: { status: 'unknown' },
};

describe('ProviderForm', () => {
  it('shows an API error next to the field its param names', async () => {
    mockFetch({ 'POST /api/providers': json(400, { error: { message: 'base_url must be http(s)', type: 'invalid_request_error', param: 'base_url' } }) });
    const user = userEvent.setup();
    renderWithApp(<ProviderForm onClose={() => undefined} />);
    await user.type(screen.getByLabelText('Name'), 'Local');
    await user.type(screen.getByLabelText('Base URL'), 'ftp://nope');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    const url = screen.getByLabelText('Base URL');
    await waitFor(() => expect(url.getAttribute('aria-describedby') ?? '').toMatch(/err/));
    const errId = (url.getAttribute('aria-describedby') ?? '').split(' ').find((x) => x.endsWith('-err'))!;
    expect(document.getElementById(errId)?.textContent).toBe('base_url must be http(s)');
    // Not repeated as a general error box.
    expect(screen.getAllByText('base_url must be http(s)')).toHaveLength(1);
  });

  it('shows an error without a known param in a box', async () => {
    mockFetch({ 'POST /api/providers': json(409, { error: { message: 'name taken', type: 'conflict_error', param: null } }) });
    const user = userEvent.setup();
    renderWithApp(<ProviderForm onClose={() => undefined} />);
    await user.type(screen.getByLabelText('Name'), 'Dup');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', expect.stringContaining('name taken'));
  });

  it('the key is a password input, never pre-filled', () => {
    renderWithApp(<ProviderForm provider={provider} onClose={() => undefined} />);
    const key = screen.getByLabelText('API key') as HTMLInputElement;
    expect(key.type).toBe('password');
    expect(key.value).toBe('');
    expect(screen.getByText(/Current key sk-…abcd/)).toBeTruthy();
  });

  it('speaks Chinese', () => {
    renderWithApp(<ProviderForm onClose={() => undefined} />, { lang: 'zh' });
    expect(screen.getByLabelText('基础 URL')).toBeTruthy();
    expect(screen.getByRole('button', { name: '创建' })).toBeTruthy();
  });
});

describe('providerBody', () => {
  const form = { id: '', name: 'Main', kind: 'openai_compatible' as const, base_url: 'http://x/v1', api_key: '', clearKey: false, api_version: '', enabled: true, models: '' };
  it('edit with an empty key leaves the key out (keeps it)', () => {
    expect(providerBody(form, provider)).toEqual({});
  });
  it('"clear key" sends an empty string', () => {
    expect(providerBody({ ...form, clearKey: true }, provider)).toEqual({ api_key: '' });
  });
  it('a typed key is sent; changed fields only', () => {
    expect(providerBody({ ...form, api_key: 'sk-new', name: 'Renamed' }, provider)).toEqual({ api_key: 'sk-new', name: 'Renamed' });
  });
  it('create sends the models list parsed', () => {
    expect(providerBody({ ...form, models: 'a, b\nc' })).toMatchObject({ name: 'Main', models: ['a', 'b', 'c'] });
  });
});

describe('blockingDeployments', () => {
  it('finds the deployments listed in a 409', () => {
    const e = new ApiError(409, 'in use', { body: { error: { message: 'in use', deployments: [{ id: 'd1', group: 'code' }, 'd2'] } } });
    expect(blockingDeployments(e)).toEqual(['d1 (code)', 'd2']);
    expect(blockingDeployments(new ApiError(400, 'x'))).toEqual([]);
  });
});

describe('DeploymentForm', () => {
  it('offers the provider models and shows a weight error by param', async () => {
    mockFetch({
      'GET /api/providers/p1/models': json(200, { models: [{ id: 'm1' }, { id: 'm2' }] }),
      'POST /api/routing/groups/code/deployments': json(400, { error: { message: 'weight must be a number >= 0', type: 'invalid_request_error', param: 'weight' } }),
    });
    const user = userEvent.setup();
    renderWithApp(<DeploymentForm group="code" providers={[provider]} onClose={() => undefined} />);
    await screen.findByText(/Pick one of 2 known models/);
    const model = screen.getByLabelText('Model') as HTMLInputElement;
    const list = document.getElementById(model.getAttribute('list')!);
    expect([...list!.querySelectorAll('option')].map((o) => o.value)).toEqual(['m1', 'm2']);
    await user.type(model, 'free-text-model');
    const weight = screen.getByLabelText('Weight');
    await user.clear(weight);
    await user.type(weight, '-1');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('weight must be a number >= 0')).toBeTruthy();
  });
});

describe('sign-in', () => {
  it('a 401 on any page brings the sign-in back', async () => {
    setToken('stale');
    mockFetch({
      'GET /api/providers': json(401, { error: { message: 'wrong admin token', type: 'authentication_error' } }),
      'GET /api/status': json(401, { error: { message: 'wrong admin token', type: 'authentication_error' } }),
      'GET /api/routing/groups': json(401, { error: { message: 'wrong admin token', type: 'authentication_error' } }),
    });
    renderWithApp(<App />, { route: '/providers' });
    expect(await screen.findByLabelText('Admin token')).toBeTruthy();
    expect(screen.getByText(/Your session ended/)).toBeTruthy();
  });

  it('signs in with a token the server accepts and sends it afterwards', async () => {
    const { calls } = mockFetch({
      'GET /api/providers': json(200, { providers: [] }),
      'GET /api/status': json(200, { active_version: null }),
      'GET /api/routing/groups': json(200, { groups: [] }),
    });
    const user = userEvent.setup();
    renderWithApp(<App />, { route: '/' });
    await user.type(screen.getByLabelText('Admin token'), 'secret-token');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'Overview' })).toBeTruthy();
    await waitFor(() => expect(calls.length).toBeGreaterThan(1));
    for (const c of calls) expect((c.init.headers as Record<string, string>)['X-Admin-Token']).toBe('secret-token');
    expect(sessionStorage.getItem('sparouter.adminToken')).toBe('secret-token');
    expect(document.body.textContent).not.toContain('secret-token');
  });

  it('says so when the token is rejected', async () => {
    mockFetch({ 'GET /api/providers': json(401, { error: { message: 'no', type: 'authentication_error' } }) });
    const user = userEvent.setup();
    renderWithApp(<App />);
    await user.type(screen.getByLabelText('Admin token'), 'bad');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The server rejected this token.')).toBeTruthy();
  });
});
