import { describe, expect, it } from 'vitest';
import { SseParser, chunkDelta, readSse, type SseEvent } from './sse';

function feed(chunks: string[]): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.flush());
  return out;
}

describe('SseParser', () => {
  it('parses events split at any byte', () => {
    const text = 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const evs = feed([text.slice(0, cut), text.slice(cut)]);
      expect(evs.map((e) => e.data)).toEqual(['{"a":1}', '{"a":2}', '[DONE]']);
    }
  });
  it('handles CRLF and CR line ends, also split between CR and LF', () => {
    expect(feed(['data: x\r', '\n\r\n', 'data: y\r\r']).map((e) => e.data)).toEqual(['x', 'y']);
  });
  it('joins multi-line data, reads event and id, skips comments', () => {
    const evs = feed([': keep-alive\n', 'event: delta\nid: 7\ndata: one\ndata: two\n\n']);
    expect(evs).toEqual([{ event: 'delta', id: '7', data: 'one\ntwo' }]);
  });
  it('keeps a value without the optional space and with colons inside', () => {
    expect(feed(['data:a:b\n\n'])[0].data).toBe('a:b');
  });
  it('dispatches a trailing event without blank line at flush', () => {
    expect(feed(['data: last']).map((e) => e.data)).toEqual(['last']);
  });
  it('ignores blocks without data', () => {
    expect(feed(['event: ping\n\n'])).toEqual([]);
  });
});

describe('readSse', () => {
  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: {"choices":[{"delta":{"content":"你好"}}]}\n\n');
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < bytes.length; i += 5) c.enqueue(bytes.slice(i, i + 5));
        c.close();
      },
    });
    const got: string[] = [];
    await readSse(stream, (e) => got.push(chunkDelta(e.data).content));
    expect(got).toEqual(['你好']);
  });
});

describe('chunkDelta', () => {
  it('reads content and finish reason', () => {
    expect(chunkDelta('{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}')).toEqual({ content: 'Hi', finishReason: null });
    expect(chunkDelta('{"choices":[{"delta":{},"finish_reason":"stop"}]}')).toEqual({ content: '', finishReason: 'stop' });
  });
  it('reports an error event and tolerates junk', () => {
    expect(chunkDelta('{"error":{"message":"upstream died"}}').error).toBe('upstream died');
    expect(chunkDelta('not json').content).toBe('');
  });
});
