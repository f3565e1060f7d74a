import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useBlocker } from 'react-router';
import { isApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import { CLASSIFIER_MODES, RULE_SCOPES, type ClassifierConfig, type ClassifierMode, type RuleScope } from '../api/types';
import { Checkbox, Empty, ErrorBox, Field, Loading, Modal, paramError } from '../components/ui';
import { useNotify } from '../components/toast';
import { useT } from '../i18n';
import { emptyRule, newKey, ruleParams, toConfig, toDraft, type Draft, type LabelDraft, type RuleDraft } from '../lib/classifierDraft';
import { TestBench } from './classifier/TestBench';

const RULE_FIELDS = ['id', 'target_group', 'scope', 'regex', 'keywords_any', 'keywords_all', 'min_chars', 'max_chars'];

function GroupSelect({ id, value, groups, onChange, describedBy, allowEmpty }: { id: string; value: string; groups: string[]; onChange: (v: string) => void; describedBy?: string; allowEmpty?: boolean }) {
  const t = useT();
  const options = value && !groups.includes(value) ? [...groups, value] : groups;
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={describedBy}>
      {(allowEmpty || !value) && <option value="">{t('common.choose')}</option>}
      {options.map((g) => (
        <option key={g} value={g}>
          {g}
          {!groups.includes(g) ? ` (${t('classifier.unknownGroup')})` : ''}
        </option>
      ))}
    </select>
  );
}

function RuleEditor({
  rule, index, count, groups, error, onChange, onMove, onRemove,
}: {
  rule: RuleDraft; index: number; count: number; groups: string[]; error: unknown;
  onChange: (r: RuleDraft) => void; onMove: (d: number) => void; onRemove: () => void;
}) {
  const t = useT();
  const set = <K extends keyof RuleDraft>(k: K, v: RuleDraft[K]) => onChange({ ...rule, [k]: v });
  const pe = (f: string) => paramError(error, ...ruleParams(index, f));
  const label = rule.id || `#${index + 1}`;
  return (
    <li className={`rule card inset${rule.enabled ? '' : ' disabled-row'}`}>
      <div className="rule-head">
        <span className="rule-num" aria-hidden="true">
          {index + 1}
        </span>
        <Checkbox label={t('common.enabled')} checked={rule.enabled} onChange={(v) => set('enabled', v)} />
        <span className="btn-group">
          <button type="button" className="btn small ghost" onClick={() => onMove(-1)} disabled={index === 0} aria-label={t('common.moveUpItem', { item: label })}>
            ↑
          </button>
          <button type="button" className="btn small ghost" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={t('common.moveDownItem', { item: label })}>
            ↓
          </button>
          <button type="button" className="btn small danger-ghost" onClick={onRemove} aria-label={t('common.removeItem', { item: label })}>
            {t('common.remove')}
          </button>
        </span>
      </div>
      <div className="form-grid four">
        <Field label={t('classifier.ruleId')} error={pe('id')}>
          {(id, d) => <input id={id} value={rule.id} onChange={(e) => set('id', e.target.value)} aria-describedby={d} spellCheck={false} autoComplete="off" />}
        </Field>
        <Field label={t('classifier.target')} error={pe('target_group')}>
          {(id, d) => <GroupSelect id={id} value={rule.target_group} groups={groups} onChange={(v) => set('target_group', v)} describedBy={d} />}
        </Field>
        <Field label={t('classifier.scope')} error={pe('scope')}>
          {(id, d) => (
            <select id={id} value={rule.scope} onChange={(e) => set('scope', e.target.value as RuleScope)} aria-describedby={d}>
              {RULE_SCOPES.map((s) => (
                <option key={s} value={s}>
                  {t(`scope.${s}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="two-inline">
          <Field label={t('classifier.minChars')} error={pe('min_chars')}>
            {(id, d) => <input id={id} type="number" min={0} inputMode="numeric" value={rule.min_chars} onChange={(e) => set('min_chars', e.target.value)} aria-describedby={d} />}
          </Field>
          <Field label={t('classifier.maxChars')} error={pe('max_chars')}>
            {(id, d) => <input id={id} type="number" min={0} inputMode="numeric" value={rule.max_chars} onChange={(e) => set('max_chars', e.target.value)} aria-describedby={d} />}
          </Field>
        </div>
        <Field label={t('classifier.keywordsAny')} hint={t('classifier.keywordsAnyHint')} error={pe('keywords_any')} className="span-2">
          {(id, d) => <input id={id} value={rule.keywords_any} onChange={(e) => set('keywords_any', e.target.value)} aria-describedby={d} spellCheck={false} autoComplete="off" />}
        </Field>
        <Field label={t('classifier.keywordsAll')} hint={t('classifier.keywordsAllHint')} error={pe('keywords_all')} className="span-2">
          {(id, d) => <input id={id} value={rule.keywords_all} onChange={(e) => set('keywords_all', e.target.value)} aria-describedby={d} spellCheck={false} autoComplete="off" />}
        </Field>
        <Field label={t('classifier.regex')} hint={t('classifier.regexHint')} error={pe('regex')} className="span-all">
          {(id, d) => <input id={id} className="mono" value={rule.regex} onChange={(e) => set('regex', e.target.value)} aria-describedby={d} spellCheck={false} autoComplete="off" />}
        </Field>
      </div>
    </li>
  );
}

function LabelsEditor({ draft, setDraft, groups, error }: { draft: Draft; setDraft: (f: (d: Draft) => Draft) => void; groups: string[]; error: unknown }) {
  const t = useT();
  const update = (key: number, patch: Partial<LabelDraft>) => setDraft((d) => ({ ...d, labels: d.labels.map((l) => (l.key === key ? { ...l, ...patch } : l)) }));
  const unused = groups.filter((g) => !draft.labels.some((l) => l.group === g));
  return (
    <div className="stack">
      {draft.labels.length === 0 && <Empty>{t('classifier.noLabels')}</Empty>}
      <div className="labels-grid">
        {draft.labels.map((l, i) => (
          <div key={l.key} className="card inset label-card">
            <Field label={t('classifier.labelGroup')} error={paramError(error, `classifier.labels[${i}].group`)}>
              {(id, d) => <GroupSelect id={id} value={l.group} groups={groups} onChange={(v) => update(l.key, { group: v })} describedBy={d} />}
            </Field>
            <Field
              label={t('classifier.examples')}
              hint={t('classifier.examplesHint', { n: l.examples.split('\n').filter((s) => s.trim()).length })}
              error={paramError(error, `classifier.labels[${i}].examples`, `classifier.labels[${i}]`)}
            >
              {(id, d) => <textarea id={id} rows={5} value={l.examples} onChange={(e) => update(l.key, { examples: e.target.value })} aria-describedby={d} />}
            </Field>
            <button type="button" className="btn small danger-ghost" onClick={() => setDraft((d) => ({ ...d, labels: d.labels.filter((x) => x.key !== l.key) }))}>
              {t('classifier.removeLabel', { group: l.group || '—' })}
            </button>
          </div>
        ))}
      </div>
      <div>
        <button type="button" className="btn" onClick={() => setDraft((d) => ({ ...d, labels: [...d.labels, { key: newKey(), group: unused[0] ?? '', examples: '' }] }))}>
          {t('classifier.addLabel')}
        </button>
      </div>
    </div>
  );
}

export function ClassifierPage() {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const q = useQuery({ queryKey: ['classifier'], queryFn: endpoints.classifier });
  const groupsQ = useQuery({ queryKey: ['groups'], queryFn: endpoints.groups });
  const groups = useMemo(() => (groupsQ.data ?? []).map((g) => g.name), [groupsQ.data]);
  const [draft, setDraftState] = useState<Draft | null>(null);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (q.data && !dirty) setDraftState(toDraft(q.data));
  }, [q.data, dirty]);
  const setDraft = (f: (d: Draft) => Draft) => {
    setDraftState((d) => (d ? f(d) : d));
    setDirty(true);
  };
  const save = useMutation({
    mutationFn: (c: ClassifierConfig) => endpoints.updateClassifier(c),
    onSuccess: (c) => {
      if (c) qc.setQueryData(['classifier'], c);
      else qc.invalidateQueries({ queryKey: ['classifier'] });
      qc.invalidateQueries({ queryKey: ['status'] });
      setDirty(false);
      if (c) setDraftState(toDraft(c));
      notify(t('classifier.saved'));
    },
  });

  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const onBefore = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBefore);
    return () => window.removeEventListener('beforeunload', onBefore);
  }, [dirty]);

  if (q.isPending) return <div className="page"><Loading /></div>;
  if (q.isError) return <div className="page"><ErrorBox error={q.error} retry={() => q.refetch()} /></div>;
  if (!draft) return <div className="page"><Loading /></div>;
  const err = save.error;
  const current = () => toConfig(draft, q.data);
  const moveRule = (i: number, d: number) =>
    setDraft((x) => {
      const rules = [...x.rules];
      const j = i + d;
      if (j < 0 || j >= rules.length) return x;
      [rules[i], rules[j]] = [rules[j], rules[i]];
      return { ...x, rules };
    });
  // The params some field of this page shows next to itself; any other error goes in the box.
  const shown = new Set<string>(['mode', 'default_group', 'classifier.type', 'classifier.threshold', 'threshold']);
  if (draft.type === 'llm') ['classifier.llm.group', 'classifier.llm.timeout_ms', 'classifier.llm.prompt'].forEach((p) => shown.add(p));
  draft.rules.forEach((_, i) => RULE_FIELDS.forEach((f) => ruleParams(i, f).forEach((p) => shown.add(p))));
  draft.labels.forEach((_, i) => [`classifier.labels[${i}].group`, `classifier.labels[${i}].examples`, `classifier.labels[${i}]`].forEach((p) => shown.add(p)));
  const boxError = isApiError(err) && err.param && shown.has(err.param) ? null : err;

  return (
    <div className="page">
      <div className="page-head sticky-head">
        <div>
          <h1>{t('classifier.title')}</h1>
          <p className="muted">{t('classifier.subtitle')}</p>
        </div>
        <div className="btn-row">
          {dirty && <span className="tag warn">{t('common.unsaved')}</span>}
          <button type="button" className="btn" disabled={!dirty || save.isPending} onClick={() => (setDirty(false), setDraftState(toDraft(q.data)), save.reset())}>
            {t('common.revert')}
          </button>
          <button type="button" className="btn primary" disabled={!dirty || save.isPending} onClick={() => save.mutate(current())}>
            {save.isPending ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </div>
      <ErrorBox error={boxError} />
      {groupsQ.data?.length === 0 && <div className="state warn">{t('classifier.noGroups')}</div>}
      <div className="classifier-layout">
        <div className="stack">
          <section className="card" aria-labelledby="cl-general">
            <h2 id="cl-general">{t('classifier.general')}</h2>
            <div className="form-grid">
              <Field label={t('classifier.mode')} hint={t(`mode.${draft.mode}.hint`)} error={paramError(err, 'mode')}>
                {(id, d) => (
                  <select id={id} value={draft.mode} onChange={(e) => setDraft((x) => ({ ...x, mode: e.target.value as ClassifierMode }))} aria-describedby={d}>
                    {CLASSIFIER_MODES.map((m) => (
                      <option key={m} value={m}>
                        {t(`mode.${m}`)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label={t('classifier.defaultGroup')} hint={t('classifier.defaultGroupHint')} error={paramError(err, 'default_group')}>
                {(id, d) => <GroupSelect id={id} value={draft.default_group} groups={groups} onChange={(v) => setDraft((x) => ({ ...x, default_group: v }))} describedBy={d} />}
              </Field>
            </div>
          </section>

          <section className="card" aria-labelledby="cl-rules">
            <div className="row-between wrap">
              <h2 id="cl-rules">{t('classifier.rules')}</h2>
              <button type="button" className="btn" onClick={() => setDraft((x) => ({ ...x, rules: [...x.rules, emptyRule(x.rules, groups[0] ?? '')] }))}>
                {t('classifier.addRule')}
              </button>
            </div>
            <p className="muted small">{t('classifier.rulesHint')}</p>
            {draft.rules.length === 0 ? (
              <Empty>{t('classifier.noRules')}</Empty>
            ) : (
              <ol className="rules">
                {draft.rules.map((r, i) => (
                  <RuleEditor
                    key={r.key}
                    rule={r}
                    index={i}
                    count={draft.rules.length}
                    groups={groups}
                    error={err}
                    onChange={(nr) => setDraft((x) => ({ ...x, rules: x.rules.map((y) => (y.key === r.key ? nr : y)) }))}
                    onMove={(d) => moveRule(i, d)}
                    onRemove={() => setDraft((x) => ({ ...x, rules: x.rules.filter((y) => y.key !== r.key) }))}
                  />
                ))}
              </ol>
            )}
          </section>

          <section className="card" aria-labelledby="cl-model">
            <h2 id="cl-model">{t('classifier.classifier')}</h2>
            <div className="form-grid">
              <Field label={t('classifier.type')} error={paramError(err, 'classifier.type')}>
                {(id, d) => (
                  <select id={id} value={draft.type} onChange={(e) => setDraft((x) => ({ ...x, type: e.target.value as 'embedded' | 'llm' }))} aria-describedby={d}>
                    <option value="embedded">{t('classifier.typeEmbedded')}</option>
                    <option value="llm">{t('classifier.typeLlm')}</option>
                  </select>
                )}
              </Field>
              <Field label={t('classifier.threshold')} hint={t('classifier.thresholdHint')} error={paramError(err, 'classifier.threshold', 'threshold')}>
                {(id, d) => (
                  <input id={id} type="number" min={0} max={1} step={0.05} inputMode="decimal" value={draft.threshold} onChange={(e) => setDraft((x) => ({ ...x, threshold: e.target.value }))} aria-describedby={d} />
                )}
              </Field>
            </div>
            {draft.type === 'llm' && (
              <div className="form-grid">
                <Field label={t('classifier.llmGroup')} hint={t('classifier.llmGroupHint')} error={paramError(err, 'classifier.llm.group')}>
                  {(id, d) => <GroupSelect id={id} value={draft.llm.group} groups={groups} onChange={(v) => setDraft((x) => ({ ...x, llm: { ...x.llm, group: v } }))} describedBy={d} allowEmpty />}
                </Field>
                <Field label={t('classifier.llmTimeout')} error={paramError(err, 'classifier.llm.timeout_ms')}>
                  {(id, d) => (
                    <input id={id} type="number" min={1} inputMode="numeric" value={draft.llm.timeout_ms} onChange={(e) => setDraft((x) => ({ ...x, llm: { ...x.llm, timeout_ms: e.target.value } }))} aria-describedby={d} />
                  )}
                </Field>
                <Field label={t('classifier.llmPrompt')} error={paramError(err, 'classifier.llm.prompt')} className="span-2">
                  {(id, d) => <textarea id={id} rows={3} value={draft.llm.prompt} onChange={(e) => setDraft((x) => ({ ...x, llm: { ...x.llm, prompt: e.target.value } }))} aria-describedby={d} />}
                </Field>
              </div>
            )}
            <h3 className="small-head spaced">{t('classifier.labels')}</h3>
            <p className="muted small">{t('classifier.labelsHint')}</p>
            <LabelsEditor draft={draft} setDraft={setDraft} groups={groups} error={err} />
          </section>
        </div>
        <aside className="card bench" aria-labelledby="cl-bench">
          <h2 id="cl-bench">{t('bench.title')}</h2>
          <TestBench draft={current} />
        </aside>
      </div>
      {blocker.state === 'blocked' && (
        <Modal
          title={t('classifier.leaveTitle')}
          onClose={() => blocker.reset()}
          footer={
            <>
              <button type="button" className="btn" onClick={() => blocker.reset()}>
                {t('classifier.stay')}
              </button>
              <button type="button" className="btn danger" onClick={() => blocker.proceed()}>
                {t('classifier.leave')}
              </button>
            </>
          }
        >
          <p>{t('classifier.leaveText')}</p>
        </Modal>
      )}
    </div>
  );
}
