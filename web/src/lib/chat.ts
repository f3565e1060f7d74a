// One chat completion against /v1/chat/completions, streamed (SSE) or not, with the routing
// facts of the x-sparouter-* response headers and measured timings.
import { apiBase, ApiError, errorFromResponse } from '../api/client';
import { chunkDelta, readSse } from './sse';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface RouteFacts {
  status: number;
  group: string | null;
  deployment: string | null;
  provider: string | null;
  routeSource: string | null;
  attempts: string | null;
  requestId: string | null;
  /** Milliseconds from sending to the response headers. */
  headersMs: number | null;
  /** Milliseconds from sending to the first content token. */
  ttftMs: number | null;
  /** Milliseconds from sending to the end of the answer. */
  totalMs: number | null;
  model: string | null;
  finishReason: string | null;
  usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null;
}

export function factsFromHeaders(h: Headers, status: number): RouteFacts {
  return {
    status,
    group: h.get('x-sparouter-group'),
    deployment: h.get('x-sparouter-deployment'),
    provider: h.get('x-sparouter-provider'),
    routeSource: h.get('x-sparouter-route-source'),
    attempts: h.get('x-sparouter-attempts'),
    requestId: h.get('x-request-id'),
    headersMs: null,
    ttftMs: null,
    totalMs: null,
    model: null,
    finishReason: null,
    usage: null,
  };
}

export interface ChatOptions {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  routerKey?: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  onDelta?: (text: string) => void;
  onFacts?: (f: RouteFacts) => void;
  now?: () => number;
}

export async function runChat(o: ChatOptions): Promise<{ content: string; facts: RouteFacts }> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const body: Record<string, unknown> = { model: o.model, messages: o.messages, stream: o.stream };
  if (o.temperature != null) body.temperature = o.temperature;
  if (o.maxTokens != null) body.max_tokens = o.maxTokens;
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: o.stream ? 'text/event-stream' : 'application/json' };
  if (o.routerKey) headers.Authorization = `Bearer ${o.routerKey}`;
  let res: Response;
  try {
    res = await fetch(`${apiBase()}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body), signal: o.signal });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, (e as Error)?.message || 'Network error', { type: 'network_error' });
  }
  const facts = factsFromHeaders(res.headers, res.status);
  facts.headersMs = now() - t0;
  o.onFacts?.({ ...facts });
  if (!res.ok) {
    const err = await errorFromResponse(res);
    facts.totalMs = now() - t0;
    o.onFacts?.({ ...facts });
    throw Object.assign(err, { facts });
  }
  let content = '';
  const isSse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  if (o.stream && isSse && res.body) {
    let streamError: string | null = null;
    await readSse(
      res.body,
      (ev) => {
        if (ev.data === '[DONE]') return;
        const d = chunkDelta(ev.data);
        if (d.error) streamError = d.error;
        if (d.content) {
          if (facts.ttftMs == null) {
            facts.ttftMs = now() - t0;
            o.onFacts?.({ ...facts });
          }
          content += d.content;
          o.onDelta?.(d.content);
        }
        if (d.finishReason) facts.finishReason = d.finishReason;
        try {
          const j = JSON.parse(ev.data) as { model?: string; usage?: RouteFacts['usage'] };
          if (j.model) facts.model = j.model;
          if (j.usage) facts.usage = j.usage;
        } catch {
          /* not JSON: ignored */
        }
      },
      o.signal,
    );
    facts.totalMs = now() - t0;
    o.onFacts?.({ ...facts });
    if (streamError) throw Object.assign(new ApiError(res.status, streamError, { type: 'upstream_error' }), { facts });
    return { content, facts };
  }
  const text = await res.text();
  facts.totalMs = now() - t0;
  facts.ttftMs = facts.totalMs;
  try {
    const j = JSON.parse(text) as { model?: string; usage?: RouteFacts['usage']; choices?: { message?: { content?: string }; finish_reason?: string }[] };
    content = j.choices?.[0]?.message?.content ?? '';
    facts.model = j.model ?? null;
    facts.usage = j.usage ?? null;
    facts.finishReason = j.choices?.[0]?.finish_reason ?? null;
  } catch {
    content = text;
  }
  o.onDelta?.(content);
  o.onFacts?.({ ...facts });
  return { content, facts };
}
