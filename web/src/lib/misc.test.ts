import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClassifierConfig } from '../api/types';
import { json, mockFetch } from '../test/util';
import { loadBaseline, saveBaseline } from './baseline';
import { runChat } from './chat';
import { toConfig, toDraft } from './classifierDraft';
import { diffRows } from './diff';
import { statusFacts } from './status';

afterEach(() => vi.unstubAllGlobals());

describe('diffRows', () => {
  it('marks added and removed lines and folds long unchanged runs', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const { rows, added, removed } = diffRows(before, after, 2);
    expect(added).toBe(1);
    expect(removed).toBe(1);
    expect(rows.filter((r) => r.kind === 'skip').map((r) => r.skipped)).toEqual([8, 7]);
    expect(rows.find((r) => r.kind === 'add')).toMatchObject({ text: 'line ten', newNo: 11 });
  });
  it('an empty baseline makes every line new', () => {
    expect(diffRows('', 'a\nb\n').added).toBe(2);
  });
});

describe('baseline', () => {
  it('keeps files per version and only the last few', () => {
    for (let i = 0; i < 7; i++) saveBaseline(`v${i}`, { 'a.json': String(i) });
    expect(loadBaseline('v6')?.files['a.json']).toBe('6');
    expect(loadBaseline('v0')).toBeNull();
    expect(loadBaseline(null)).toBeNull();
  });
});

describe('classifier draft', () => {
  const config: ClassifierConfig = {
    mode: 'hybrid',
    default_group: 'general',
    rules: [{ id: 'code', enabled: true, target_group: 'code', match: { keywords_any: ['python', 'stack trace'], keywords_all: [], regex: '```', min_chars: null, max_chars: 4000, scope: 'last_user' } }],
    classifier: { type: 'embedded', threshold: 0.5, labels: [{ group: 'code', examples: ['fix this segfault', 'write a test'] }], llm: { group: 'cheap', prompt: 'pick', timeout_ms: 3000 } },
  };
  it('round-trips a config', () => {
    expect(toConfig(toDraft(config), config)).toEqual(config);
  });
  it('parses the typed lists and numbers', () => {
    const d = toDraft(config);
    d.rules[0].keywords_any = 'a, b ,, c';
    d.rules[0].min_chars = '10';
    d.rules[0].regex = '';
    d.threshold = '0.7';
    const c = toConfig(d, config);
    expect(c.rules[0].match).toMatchObject({ keywords_any: ['a', 'b', 'c'], min_chars: 10, regex: null });
    expect(c.classifier.threshold).toBe(0.7);
  });
});

describe('statusFacts', () => {
  it('reads the version and the draft flag under several names', () => {
    expect(statusFacts({ active_version: 'abc', draft_differs: true })).toMatchObject({ version: 'abc', differs: true });
    expect(statusFacts({ active: { version: 'v2' }, dirty: false } as never)).toMatchObject({ version: 'v2', differs: false });
    expect(statusFacts(undefined).version).toBeNull();
  });
});

describe('runChat', () => {
  it('streams deltas and reads the routing headers', async () => {
    const sse = ['data: {"model":"m1","choices":[{"delta":{"content":"Hel"}}]}\n\n', 'data: {"choices":[{"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n', 'data: [DONE]\n\n'];
    mockFetch({
      'POST /v1/chat/completions': () =>
        new Response(
          new ReadableStream({
            start(c) {
              for (const s of sse) c.enqueue(new TextEncoder().encode(s));
              c.close();
            },
          }),
          {
            status: 200,
            headers: {
              'content-type': 'text/event-stream',
              'x-sparouter-group': 'code',
              'x-sparouter-deployment': 'dep-1',
              'x-sparouter-provider': 'p1',
              'x-sparouter-route-source': 'rule',
              'x-sparouter-attempts': '1',
            },
          },
        ),
    });
    const deltas: string[] = [];
    let clock = 0;
    const r = await runChat({ model: 'auto', messages: [{ role: 'user', content: 'hi' }], stream: true, routerKey: 'rk', onDelta: (d) => deltas.push(d), now: () => (clock += 10) });
    expect(r.content).toBe('Hello');
    expect(deltas).toEqual(['Hel', 'lo']);
    expect(r.facts).toMatchObject({ group: 'code', deployment: 'dep-1', provider: 'p1', routeSource: 'rule', attempts: '1', model: 'm1', finishReason: 'stop' });
    expect(r.facts.ttftMs).toBeGreaterThan(0);
    expect(r.facts.totalMs).toBeGreaterThanOrEqual(r.facts.ttftMs!);
  });
  it('sends the router key as Bearer and reports API errors with the facts', async () => {
    const { calls } = mockFetch({ 'POST /v1/chat/completions': json(404, { error: { message: 'no group x', type: 'not_found_error', code: 'model_not_found' } }) });
    const err = await runChat({ model: 'x', messages: [], stream: false, routerKey: 'rk' }).catch((e: unknown) => e);
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer rk');
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', facts: { status: 404 } });
  });
});
