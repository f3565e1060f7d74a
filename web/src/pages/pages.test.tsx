import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClassifierConfig } from '../api/types';
import { json, mockFetch, renderWithApp } from '../test/util';
import { saveBaseline } from '../lib/baseline';
import { TestBench } from './classifier/TestBench';
import { GeneratePage } from './Generate';
import { SettingsPanel } from './routing/SettingsPanel';
import { RoutingPage } from './Routing';

afterEach(() => vi.unstubAllGlobals());

const config: ClassifierConfig = { mode: 'hybrid', default_group: 'general', rules: [], classifier: { type: 'embedded', threshold: 0.5, labels: [] } };

describe('TestBench', () => {
  it('sends the editor config and shows group, source, confidence and score bars', async () => {
    const { calls } = mockFetch({
      'POST /api/classifier/test': json(200, { group: 'code', source: 'classifier', confidence: 0.84, scores: { general: 0.16, code: 0.84 }, latency_us: 40 }),
    });
    const user = userEvent.setup();
    renderWithApp(<TestBench draft={() => config} />);
    await user.type(screen.getByLabelText('Prompt'), 'fix my segfault');
    await user.click(screen.getByRole('button', { name: 'Test' }));
    const result = await screen.findByTestId('bench-result');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ text: 'fix my segfault', config });
    expect(within(result).getByText('classifier')).toBeTruthy();
    expect(within(result).getByText('84.0%', { selector: 'dd' })).toBeTruthy();
    const bars = within(result).getAllByRole('img');
    expect(bars.map((b) => b.getAttribute('aria-label'))).toEqual(['code: 84.0%', 'general: 16.0%']);
  });
  it('against the saved configuration sends no config', async () => {
    const { calls } = mockFetch({ 'POST /api/classifier/test': json(200, { group: 'general', source: 'default', latency_us: 3 }) });
    const user = userEvent.setup();
    renderWithApp(<TestBench draft={() => config} />);
    await user.selectOptions(screen.getByLabelText('Test against'), 'saved');
    await user.type(screen.getByLabelText('Prompt'), 'hi');
    await user.click(screen.getByRole('button', { name: 'Test' }));
    await screen.findByTestId('bench-result');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ text: 'hi' });
  });
});

describe('GeneratePage', () => {
  const files = { 'litellm/config.yaml': 'model_list: []\n', 'router/rules.json': '{"rules": []}\n', 'router/settings.json': '{}\n' };
  it('says "no baseline" when this browser has not kept the active files', async () => {
    mockFetch({
      'GET /api/status': json(200, { active_version: 'aaa', draft_differs: true }),
      'POST /api/generate': json(200, { version: 'bbb', files, warnings: ['deployment d1 is disabled'] }),
    });
    const user = userEvent.setup();
    renderWithApp(<GeneratePage />);
    expect(await screen.findByText('deployment d1 is disabled')).toBeTruthy();
    await screen.findByText('not applied yet');
    await user.click(screen.getByRole('button', { name: 'Diff with active' }));
    expect(await screen.findByText(/No baseline/)).toBeTruthy();
  });
  it('diffs against the files kept at apply time', async () => {
    saveBaseline('aaa', { ...files, 'litellm/config.yaml': 'model_list: [old]\n' });
    mockFetch({
      'GET /api/status': json(200, { active_version: 'aaa', draft_differs: true }),
      'POST /api/generate': json(200, { version: 'bbb', files, warnings: [] }),
    });
    const user = userEvent.setup();
    renderWithApp(<GeneratePage />);
    await screen.findByRole('tab', { name: /litellm\/config.yaml/ });
    await user.click(screen.getByRole('button', { name: 'Diff with active' }));
    await waitFor(() => expect(document.querySelector('.diff tr.add')?.textContent).toContain('model_list: []'));
    expect(document.querySelector('.diff tr.del')?.textContent).toContain('model_list: [old]');
    expect(screen.getByRole('tab', { name: /litellm\/config.yaml.*changed/ })).toBeTruthy();
  });
  it('applies, shows the new version and keeps the files as the next baseline', async () => {
    let applied = false;
    mockFetch({
      'GET /api/status': () => json(200, { active_version: applied ? 'bbb' : null, draft_differs: !applied }),
      'POST /api/generate': json(200, { version: 'bbb', files, warnings: [] }),
      'POST /api/apply': () => ((applied = true), json(200, { version: 'bbb', applied_at: '2026-01-01T00:00:00Z', files: Object.keys(files) })),
    });
    const user = userEvent.setup();
    renderWithApp(<GeneratePage />);
    await user.click(await screen.findByRole('button', { name: 'Apply…' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText(/Applied version bbb at/)).toBeTruthy();
    expect(JSON.parse(localStorage.getItem('sparouter.applied.bbb')!).files).toEqual(files);
  });
});

describe('SettingsPanel', () => {
  it('a 404 says the server has no settings endpoint', async () => {
    mockFetch({});
    renderWithApp(<SettingsPanel />);
    expect(await screen.findByText(/does not offer routing settings/)).toBeTruthy();
  });
  it('shows a field error by param', async () => {
    mockFetch({
      'GET /api/settings': json(200, { allowed_fails: 3, cooldown_s: 5, num_retries: 2, timeout_ms: 60000, auto_models: ['auto'], upstream_mode: 'direct', litellm_base_url: '' }),
      'PUT /api/settings': json(400, { error: { message: 'cooldown_s must be >= 0', type: 'invalid_request_error', param: 'cooldown_s' } }),
    });
    const user = userEvent.setup();
    renderWithApp(<SettingsPanel />);
    const cooldown = await screen.findByLabelText('Cooldown (s)');
    await user.clear(cooldown);
    await user.type(cooldown, '-1');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('cooldown_s must be >= 0')).toBeTruthy();
  });
});

describe('RoutingPage', () => {
  it('draws the split of each tier and marks draining deployments', async () => {
    mockFetch({
      'GET /api/providers': json(200, { providers: [{ id: 'p', name: 'P', kind: 'openai', base_url: 'http://x', has_api_key: false, enabled: true, models: [] }] }),
      'GET /api/routing/groups': json(200, {
        groups: [
          {
            name: 'code',
            fallbacks: ['general'],
            deployments: [
              { id: 'a', group: 'code', provider_id: 'p', model: 'ma', weight: 3, priority: 0, enabled: true },
              { id: 'b', group: 'code', provider_id: 'p', model: 'mb', weight: 1, priority: 0, enabled: true },
              { id: 'c', group: 'code', provider_id: 'p', model: 'mc', weight: 0, priority: 0, enabled: true },
              { id: 'd', group: 'code', provider_id: 'p', model: 'md', weight: 1, priority: 1, enabled: true },
            ],
          },
        ],
      }),
    });
    renderWithApp(<RoutingPage />);
    const bar = await screen.findByRole('img', { name: /ma: 75%/ });
    expect(bar.getAttribute('aria-label')).toBe('ma: 75%, mb: 25%, mc: draining');
    expect(screen.getByText('failover only')).toBeTruthy();
    expect(screen.getByText('failover 100%')).toBeTruthy();
  });
});
