// The server through the official OpenAI SDK for Node: what a client of sparouter really uses.
// Starts two fake upstreams and the server (binaries from SPAROUTER_SERVER_BIN and
// SPAROUTER_FAKE_UPSTREAM_BIN), configures routing through the admin API, then talks /v1 with
// the SDK: plain and streamed completions (Anthropic and Gemini deployments included), routing
// headers, errors as SDK exceptions, models.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';

const SERVER_BIN = process.env.SPAROUTER_SERVER_BIN;
const FAKE_BIN = process.env.SPAROUTER_FAKE_UPSTREAM_BIN;
const TOKEN = 'sdk-admin-token-0123456789';
const ROUTER_KEY = 'sr-client-key-1';
const children = [];

function start(bin, args, env, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${bin} did not start:\n${out}\n${err}`)), 20000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on https?:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => reject(new Error(`${bin} exited ${code}:\n${out}\n${err}`)));
  });
}

async function admin(port, method, path, body) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { 'X-Admin-Token': TOKEN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function main() {
  assert.ok(SERVER_BIN && FAKE_BIN, 'set SPAROUTER_SERVER_BIN and SPAROUTER_FAKE_UPSTREAM_BIN');
  const tmp = mkdtempSync(join(tmpdir(), 'sparouter-sdk-'));
  try {
    const fakeA = await start(FAKE_BIN, ['--port', '0', '--name', 'a', '--chunk-delay-ms', '10'], process.env);
    const fakeB = await start(FAKE_BIN, ['--port', '0', '--name', 'b'], process.env);
    const port = await start(SERVER_BIN, ['--no-console', '--env-file', join(tmp, 'none.env')], {
      PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: TOKEN,
      APP_SECRET: 'sdk-test-secret-0123456789', STATE_FILE: join(tmp, 'state.json'),
      CONFIG_DIR: join(tmp, 'config'), ROUTER_API_KEYS: ROUTER_KEY,
    }, tmp);

    for (const [id, fake] of [['pa', fakeA], ['pb', fakeB]]) {
      await admin(port, 'POST', '/api/providers', {
        id, name: id, kind: 'openai_compatible', base_url: `http://127.0.0.1:${fake}/v1`,
        api_key: `sk-${id}-key`,
      });
    }
    await admin(port, 'POST', '/api/routing/groups', { name: 'general' });
    await admin(port, 'POST', '/api/routing/groups/general/deployments',
      { provider_id: 'pa', model: 'model-a', priority: 0 });
    await admin(port, 'POST', '/api/routing/groups/general/deployments',
      { provider_id: 'pb', model: 'model-b', priority: 1 });
    // Translated providers, both on fake b (it speaks Messages and generateContent too).
    for (const [id, kind, group, model] of [['pc', 'anthropic', 'claude', 'claude-x'],
      ['pg', 'gemini', 'gem', 'gemini-x']]) {
      await admin(port, 'POST', '/api/providers', {
        id, name: id, kind, base_url: `http://127.0.0.1:${fakeB}`, api_key: `sk-${id}-key`,
      });
      await admin(port, 'POST', '/api/routing/groups', { name: group });
      await admin(port, 'POST', `/api/routing/groups/${group}/deployments`, { provider_id: id, model });
    }
    await admin(port, 'PUT', '/api/classifier/config', {
      mode: 'rules_only', default_group: 'general', rules: [],
      classifier: { type: 'embedded', threshold: 0.5, labels: [] },
    });
    await admin(port, 'POST', '/api/apply', {});

    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: ROUTER_KEY, maxRetries: 0 });

    // A plain completion, with the routing facts in the headers.
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    assert.match(data.choices[0].message.content, /Hello from a \(model model-a\)/);
    assert.equal(response.headers.get('x-sparouter-group'), 'general');
    assert.equal(response.headers.get('x-sparouter-route-source'), 'default');
    assert.equal(response.headers.get('x-sparouter-attempts'), '1');
    assert.ok(response.headers.get('x-request-id'));

    // Streamed: the SDK's own SSE reader gets every chunk and the end.
    const stream = await client.chat.completions.create({
      model: 'general', stream: true, messages: [{ role: 'user', content: 'stream please' }],
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.ok(chunks >= 3, `only ${chunks} chunks`);
    assert.match(text, /Hello from a/);

    // Anthropic and Gemini behind the OpenAI shape: with stream_options.include_usage the SDK
    // sees usage: null on every chunk and the usage alone on a last chunk with no choices; the
    // stream helper's final completion holds the text.
    for (const group of ['claude', 'gem']) {
      const answer = await client.chat.completions.create({
        model: group, messages: [{ role: 'user', content: 'hi' }],
      });
      assert.ok(answer.choices[0].message.content.length > 0, `${group}: empty answer`);
      assert.ok(answer.usage.total_tokens > 0, `${group}: no usage`);
      const usageStream = await client.chat.completions.create({
        model: group, stream: true, stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'stream please' }],
      });
      const seen = [];
      for await (const chunk of usageStream) seen.push(chunk);
      const last = seen.at(-1);
      assert.deepEqual(last.choices, [], `${group}: last chunk has choices`);
      assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
      assert.ok(last.usage.total_tokens > 0, `${group}: usage ${JSON.stringify(last.usage)}`);
      for (const chunk of seen.slice(0, -1)) assert.equal(chunk.usage, null, `${group}: early usage`);
      const helper = client.chat.completions.stream({
        model: group, messages: [{ role: 'user', content: 'stream please' }],
      });
      const final = await helper.finalChatCompletion();
      assert.ok(final.choices[0].message.content.length > 0, `${group}: helper got no text`);
    }

    // Errors arrive as the SDK's typed exceptions with OpenAI's error object.
    await assert.rejects(
      client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof OpenAI.NotFoundError && e.status === 404 && e.code === 'model_not_found');
    const stranger = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await assert.rejects(
      stranger.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);

    // Fallback is invisible to the SDK: a 500 from the first tier is answered by the second.
    await fetch(`http://127.0.0.1:${fakeA}/_fake/faults`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ status: 500, times: 1 }),
    });
    const fallback = await client.chat.completions
      .create({ model: 'general', messages: [{ role: 'user', content: 'again' }] })
      .withResponse();
    assert.match(fallback.data.choices[0].message.content, /Hello from b/);
    assert.equal(fallback.response.headers.get('x-sparouter-attempts'), '2');

    // Every deployment failing: an APIError with status 502 (the SDK would retry; we said 0).
    for (const fake of [fakeA, fakeB]) {
      await fetch(`http://127.0.0.1:${fake}/_fake/faults`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 503, times: 3 }),
      });
    }
    await assert.rejects(
      client.chat.completions.create({ model: 'general', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof OpenAI.APIError && e.status === 502);

    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    assert.ok(models.includes('general') && models.includes('auto'), models.join(','));
    console.log('sdk test: ok');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
