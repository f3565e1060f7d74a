import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { endpoints } from '../../api/endpoints';
import type { ClassifierConfig, ClassifierTestResult } from '../../api/types';
import { Bar, ErrorBox, Field } from '../../components/ui';
import { useT } from '../../i18n';

export function sortedScores(scores: Record<string, number> | null | undefined): [string, number][] {
  return Object.entries(scores ?? {})
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .sort((a, b) => b[1] - a[1]);
}

function Result({ r }: { r: ClassifierTestResult }) {
  const t = useT();
  const scores = sortedScores(r.scores);
  const source = r.source === 'rule' ? t('bench.srcRule') : r.source === 'classifier' ? t('bench.srcClassifier') : r.source === 'default' ? t('bench.srcDefault') : r.source;
  return (
    <div className="bench-result" aria-live="polite" data-testid="bench-result">
      <dl className="facts">
        <div>
          <dt>{t('bench.group')}</dt>
          <dd>
            <code className="big">{r.group}</code>
          </dd>
        </div>
        <div>
          <dt>{t('bench.source')}</dt>
          <dd>
            <span className={`tag src-${r.source}`}>{source}</span>
          </dd>
        </div>
        {r.rule_id && (
          <div>
            <dt>{t('bench.rule')}</dt>
            <dd>
              <code>{r.rule_id}</code>
            </dd>
          </div>
        )}
        {r.matched && r.matched.length > 0 && (
          <div>
            <dt>{t('bench.matched')}</dt>
            <dd className="tag-list">
              {r.matched.map((m, i) => (
                <code key={`${m}-${i}`} className="tag">
                  {m}
                </code>
              ))}
            </dd>
          </div>
        )}
        {r.confidence != null && (
          <div>
            <dt>{t('bench.confidence')}</dt>
            <dd>{(r.confidence * 100).toFixed(1)}%</dd>
          </div>
        )}
        {r.latency_us != null && (
          <div>
            <dt>{t('bench.latency')}</dt>
            <dd>{r.latency_us} µs</dd>
          </div>
        )}
      </dl>
      {scores.length > 0 && (
        <div>
          <h4 className="small-head">{t('bench.scores')}</h4>
          <ul className="scores">
            {scores.map(([g, v]) => (
              <li key={g} className={g === r.group ? 'winner' : undefined}>
                <code className="score-name">{g}</code>
                <Bar value={v} label={`${g}: ${(v * 100).toFixed(1)}%`} tone={g === r.group ? 'accent' : 'muted'} />
                <span className="score-val">{(v * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** Tries a prompt against the editor's configuration (sent as `config`, saved or not) or, with
 * no `config`, against the saved one (applied or not). */
export function TestBench({ draft }: { draft: () => ClassifierConfig }) {
  const t = useT();
  const [text, setText] = useState('');
  const [against, setAgainst] = useState<'editor' | 'saved'>('editor');
  const test = useMutation({
    mutationFn: (body: { text: string; config?: ClassifierConfig }) => endpoints.testClassifier(body),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    test.mutate({ text, ...(against === 'editor' ? { config: draft() } : {}) });
  }
  return (
    <form onSubmit={submit} className="stack" noValidate>
      <Field label={t('bench.prompt')} hint={t('bench.promptHint')}>
        {(id, d) => (
          <textarea
            id={id}
            rows={4}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby={d}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
            }}
          />
        )}
      </Field>
      <div className="row-between wrap align-end">
        <Field label={t('bench.against')} className="grow">
          {(id, d) => (
            <select id={id} value={against} onChange={(e) => setAgainst(e.target.value as 'editor' | 'saved')} aria-describedby={d}>
              <option value="editor">{t('bench.againstEditor')}</option>
              <option value="saved">{t('bench.againstSaved')}</option>
            </select>
          )}
        </Field>
        <button type="submit" className="btn primary" disabled={test.isPending || !text.trim()}>
          {test.isPending ? t('bench.testing') : t('bench.test')}
        </button>
      </div>
      <ErrorBox error={test.error} />
      {test.data && <Result r={test.data} />}
    </form>
  );
}
