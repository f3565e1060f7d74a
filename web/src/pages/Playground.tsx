import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { isApiError } from '../api/client';
import { listModels } from '../api/endpoints';
import { Checkbox, ErrorBox, Field } from '../components/ui';
import { useT } from '../i18n';
import { runChat, type ChatMessage, type RouteFacts } from '../lib/chat';

const KEY_STORE = 'sparouter.routerKey';

interface Turn {
  id: number;
  role: 'user' | 'assistant';
  content: string;
  facts?: RouteFacts;
  error?: unknown;
  streaming?: boolean;
}

const ms = (v: number | null | undefined) => (v == null ? '—' : `${Math.round(v)} ms`);

function Facts({ f }: { f: RouteFacts }) {
  const t = useT();
  const rows: [string, ReactNode][] = [
    [t('play.group'), f.group ? <code>{f.group}</code> : '—'],
    [t('play.deployment'), f.deployment ? <code>{f.deployment}</code> : '—'],
    [t('play.provider'), f.provider ? <code>{f.provider}</code> : '—'],
    [t('play.source'), f.routeSource ?? '—'],
    [t('play.attempts'), f.attempts ?? '—'],
    [t('play.status'), String(f.status)],
    [t('play.ttft'), ms(f.ttftMs)],
    [t('play.latency'), ms(f.totalMs)],
    [t('play.model'), f.model ? <code>{f.model}</code> : '—'],
    [t('play.requestId'), f.requestId ? <code className="small">{f.requestId}</code> : '—'],
  ];
  return (
    <dl className="facts grid" data-testid="route-facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function PlaygroundPage() {
  const t = useT();
  const [routerKey, setRouterKey] = useState(() => {
    try {
      return sessionStorage.getItem(KEY_STORE) ?? '';
    } catch {
      return '';
    }
  });
  const [model, setModel] = useState('auto');
  const [system, setSystem] = useState('');
  const [input, setInput] = useState('');
  const [stream, setStream] = useState(true);
  const [temperature, setTemperature] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const nextId = useRef(1);
  const logRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    try {
      if (routerKey) sessionStorage.setItem(KEY_STORE, routerKey);
      else sessionStorage.removeItem(KEY_STORE);
    } catch {
      /* storage disabled */
    }
  }, [routerKey]);
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [turns]);

  const models = useQuery({ queryKey: ['models', routerKey], queryFn: () => listModels(routerKey), retry: false });
  const ids = models.data?.data?.map((m) => m.id) ?? [];
  const options = ids.includes('auto') ? ids : ['auto', ...ids];
  if (model && !options.includes(model)) options.push(model);

  const last = [...turns].reverse().find((x) => x.role === 'assistant' && x.facts);

  async function send(e?: FormEvent) {
    e?.preventDefault();
    const text = input.trim();
    if (!text || busy) return;
    const history: ChatMessage[] = [];
    if (system.trim()) history.push({ role: 'system', content: system.trim() });
    for (const turn of turns) if (!turn.error && turn.content) history.push({ role: turn.role, content: turn.content });
    history.push({ role: 'user', content: text });
    const userTurn: Turn = { id: nextId.current++, role: 'user', content: text };
    const aId = nextId.current++;
    setTurns((ts) => [...ts, userTurn, { id: aId, role: 'assistant', content: '', streaming: true }]);
    setInput('');
    setBusy(true);
    const ctl = new AbortController();
    abort.current = ctl;
    const patch = (p: Partial<Turn> | ((t: Turn) => Partial<Turn>)) =>
      setTurns((ts) => ts.map((x) => (x.id === aId ? { ...x, ...(typeof p === 'function' ? p(x) : p) } : x)));
    const temp = temperature.trim() === '' ? undefined : Number(temperature);
    try {
      await runChat({
        model,
        messages: history,
        stream,
        routerKey,
        temperature: Number.isFinite(temp) ? temp : undefined,
        signal: ctl.signal,
        onDelta: (d) => patch((x) => ({ content: x.content + d })),
        onFacts: (f) => patch({ facts: f }),
      });
      patch({ streaming: false });
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') patch({ streaming: false, error: new Error(t('play.stopped')) });
      else patch({ streaming: false, error: err, ...((err as { facts?: RouteFacts }).facts ? { facts: (err as { facts: RouteFacts }).facts } : {}) });
    } finally {
      setBusy(false);
      abort.current = null;
    }
  }

  const modelsNeedKey = isApiError(models.error) && models.error.status === 401;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('play.title')}</h1>
          <p className="muted">{t('play.subtitle')}</p>
        </div>
      </div>
      <div className="play-layout">
        <section className="card chat" aria-labelledby="play-chat">
          <h2 id="play-chat" className="sr-only">
            {t('play.conversation')}
          </h2>
          <div className="chat-log" ref={logRef} aria-live="polite" data-testid="chat-log">
            {turns.length === 0 && <div className="state empty">{t('play.empty')}</div>}
            {turns.map((x) => (
              <div key={x.id} className={`msg ${x.role}`}>
                <div className="msg-role">{x.role === 'user' ? t('play.you') : x.facts?.group ? t('play.assistantVia', { group: x.facts.group }) : t('play.assistant')}</div>
                {x.content && <div className="msg-body">{x.content}</div>}
                {x.streaming && !x.content && <div className="msg-body muted">{t('play.waiting')}</div>}
                {x.streaming && x.content && <span className="cursor" aria-hidden="true" />}
                {x.error != null && <ErrorBox error={x.error} />}
                {x.role === 'assistant' && x.facts && !x.streaming && (
                  <div className="msg-meta muted small">
                    {[x.facts.deployment, x.facts.routeSource, x.facts.ttftMs != null ? `${t('play.ttft')} ${ms(x.facts.ttftMs)}` : null, `${t('play.latency')} ${ms(x.facts.totalMs)}`].filter(Boolean).join(' · ')}
                  </div>
                )}
              </div>
            ))}
          </div>
          <form className="composer" onSubmit={send} noValidate>
            <Field label={t('play.message')} hint={t('play.messageHint')}>
              {(id, d) => (
                <textarea
                  id={id}
                  rows={3}
                  value={input}
                  onChange={(e) => setInput(e.target.value)}
                  aria-describedby={d}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                      e.preventDefault();
                      void send();
                    }
                  }}
                />
              )}
            </Field>
            <div className="row-between wrap">
              <button type="button" className="btn ghost" onClick={() => setTurns([])} disabled={busy || turns.length === 0}>
                {t('play.clear')}
              </button>
              {busy ? (
                <button type="button" className="btn" onClick={() => abort.current?.abort()}>
                  {t('play.stop')}
                </button>
              ) : (
                <button type="submit" className="btn primary" disabled={!input.trim()}>
                  {t('play.send')}
                </button>
              )}
            </div>
          </form>
        </section>
        <aside className="stack">
          <section className="card" aria-labelledby="play-settings">
            <h2 id="play-settings">{t('play.settings')}</h2>
            <div className="stack">
              <Field label={t('play.modelLabel')} hint={models.isPending ? t('common.loading') : modelsNeedKey ? t('play.modelsNeedKey') : t('play.modelHint')}>
                {(id, d) => (
                  <select id={id} value={model} onChange={(e) => setModel(e.target.value)} aria-describedby={d}>
                    {options.map((m) => (
                      <option key={m} value={m}>
                        {m === 'auto' ? t('play.auto') : m}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {models.isError && !modelsNeedKey && <ErrorBox error={models.error} retry={() => models.refetch()} />}
              <Field label={t('play.routerKey')} hint={t('play.routerKeyHint')}>
                {(id, d) => <input id={id} type="password" value={routerKey} onChange={(e) => setRouterKey(e.target.value)} aria-describedby={d} autoComplete="off" />}
              </Field>
              <Field label={t('play.system')}>{(id, d) => <textarea id={id} rows={2} value={system} onChange={(e) => setSystem(e.target.value)} aria-describedby={d} />}</Field>
              <Field label={t('play.temperature')} hint={t('play.temperatureHint')}>
                {(id, d) => <input id={id} type="number" min={0} max={2} step={0.1} inputMode="decimal" value={temperature} onChange={(e) => setTemperature(e.target.value)} aria-describedby={d} />}
              </Field>
              <Checkbox label={t('play.stream')} checked={stream} onChange={setStream} />
            </div>
          </section>
          <section className="card" aria-labelledby="play-facts">
            <h2 id="play-facts">{t('play.routing')}</h2>
            {last?.facts ? <Facts f={last.facts} /> : <div className="muted small">{t('play.noFacts')}</div>}
          </section>
        </aside>
      </div>
    </div>
  );
}
