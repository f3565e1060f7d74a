// Incremental parser of server-sent events (the WHATWG event-stream format), fed with text as
// it arrives: chunks may split a line, a CRLF, or a multi-byte character (the caller decodes
// with a streaming TextDecoder, so characters arrive whole).

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  private buf = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private sawField = false;

  /** Feeds text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    this.buf += text;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (m[0] === '\r' && m.index === this.buf.length - 1) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      this.line(line, out);
    }
    return out;
  }

  /** End of stream: a last event without its blank line still counts. */
  flush(): SseEvent[] {
    const out: SseEvent[] = [];
    if (this.buf) {
      const rest = this.buf.replace(/\r$/, '');
      this.buf = '';
      this.line(rest, out);
    }
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SseEvent[]) {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    this.sawField = true;
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        this.id = value;
        break;
      default:
        break; // retry and unknown fields: ignored
    }
  }

  private dispatch(out: SseEvent[]) {
    if (this.sawField && this.data.length > 0) {
      out.push({ event: this.event || 'message', data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}) });
    }
    this.data = [];
    this.event = '';
    this.sawField = false;
  }
}

/** Reads a fetch body as SSE, calling onEvent for each event; resolves at end of stream. */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (e: SseEvent) => void, signal?: AbortSignal): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const onAbort = () => {
    reader.cancel().catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const ev of parser.push(decoder.decode(value, { stream: true }))) onEvent(ev);
    }
    for (const ev of parser.push(decoder.decode())) onEvent(ev);
    for (const ev of parser.flush()) onEvent(ev);
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The text delta of one OpenAI chat.completion.chunk (choices[0].delta.content), or "". */
export function chunkDelta(data: string): { content: string; finishReason: string | null; error?: string } {
  try {
    const j = JSON.parse(data) as {
      choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
      error?: { message?: string };
    };
    if (j.error) return { content: '', finishReason: null, error: j.error.message ?? 'error' };
    const c = j.choices?.[0];
    return { content: c?.delta?.content ?? '', finishReason: c?.finish_reason ?? null };
  } catch {
    return { content: '', finishReason: null };
  }
}
