import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { isApiError } from '../../api/client';
import { endpoints } from '../../api/endpoints';
import type { RoutingSettings, UpstreamMode } from '../../api/types';
import { ErrorBox, Field, Loading, paramError, parseList } from '../../components/ui';
import { useNotify } from '../../components/toast';
import { useT } from '../../i18n';

const FIELDS = ['allowed_fails', 'allowed_fails_window_s', 'cooldown_s', 'num_retries', 'timeout_ms', 'auto_models', 'upstream_mode', 'litellm_base_url'];

interface Form {
  allowed_fails: string;
  /** null when the server does not have the field. */
  allowed_fails_window_s: string | null;
  cooldown_s: string;
  num_retries: string;
  timeout_ms: string;
  auto_models: string;
  upstream_mode: UpstreamMode;
  litellm_base_url: string;
}

function toForm(s: RoutingSettings): Form {
  return {
    allowed_fails: String(s.allowed_fails ?? ''),
    allowed_fails_window_s: typeof s.allowed_fails_window_s === 'number' ? String(s.allowed_fails_window_s) : null,
    cooldown_s: String(s.cooldown_s ?? ''),
    num_retries: String(s.num_retries ?? ''),
    timeout_ms: String(s.timeout_ms ?? ''),
    auto_models: (s.auto_models ?? []).join(', '),
    upstream_mode: s.upstream_mode ?? 'direct',
    litellm_base_url: s.litellm_base_url ?? '',
  };
}

const num = (s: string) => (s.trim() === '' ? NaN : Number(s));

/** Routing settings (GET/PUT /api/settings). A server without the endpoint (404) is told, not an error. */
export function SettingsPanel() {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const q = useQuery({ queryKey: ['settings'], queryFn: endpoints.settings, retry: false });
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (q.data) setForm(toForm(q.data));
  }, [q.data]);
  const save = useMutation({
    mutationFn: (f: Form) =>
      endpoints.updateSettings({
        allowed_fails: num(f.allowed_fails),
        ...(f.allowed_fails_window_s !== null ? { allowed_fails_window_s: num(f.allowed_fails_window_s) } : {}),
        cooldown_s: num(f.cooldown_s),
        num_retries: num(f.num_retries),
        timeout_ms: num(f.timeout_ms),
        auto_models: parseList(f.auto_models),
        upstream_mode: f.upstream_mode,
        litellm_base_url: f.litellm_base_url.trim() || null,
      }),
    onSuccess: (s) => {
      if (s) qc.setQueryData(['settings'], s);
      qc.invalidateQueries({ queryKey: ['status'] });
      notify(t('settings.saved'));
    },
  });

  if (q.isPending) return <Loading />;
  if (q.isError) {
    if (isApiError(q.error) && (q.error.status === 404 || q.error.status === 405)) return <div className="state empty">{t('settings.unavailable')}</div>;
    return <ErrorBox error={q.error} retry={() => q.refetch()} />;
  }
  if (!form) return <Loading />;
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => (f ? { ...f, [k]: v } : f));
  const err = save.error;
  const numberField = (k: 'allowed_fails' | 'allowed_fails_window_s' | 'cooldown_s' | 'num_retries' | 'timeout_ms', label: string, hint: string) => (
    <Field label={label} hint={hint} error={paramError(err, k)}>
      {(id, d) => <input id={id} type="number" min={0} step={1} inputMode="numeric" value={form[k] ?? ''} onChange={(e) => set(k, e.target.value)} aria-describedby={d} />}
    </Field>
  );
  return (
    <form className="form-grid four" onSubmit={(e: FormEvent) => (e.preventDefault(), save.mutate(form))} noValidate>
      <ErrorBox error={err} skipFields={FIELDS} />
      {numberField('allowed_fails', t('settings.allowedFails'), form.allowed_fails_window_s !== null ? t('settings.allowedFailsHintWindow') : t('settings.allowedFailsHint'))}
      {form.allowed_fails_window_s !== null && numberField('allowed_fails_window_s', t('settings.window'), t('settings.windowHint'))}
      {numberField('cooldown_s', t('settings.cooldown'), t('settings.cooldownHint'))}
      {numberField('num_retries', t('settings.retries'), t('settings.retriesHint'))}
      {numberField('timeout_ms', t('settings.timeout'), t('settings.timeoutHint'))}
      <Field label={t('settings.autoModels')} hint={t('settings.autoModelsHint')} error={paramError(err, 'auto_models')} className="span-2">
        {(id, d) => <input id={id} value={form.auto_models} onChange={(e) => set('auto_models', e.target.value)} aria-describedby={d} spellCheck={false} autoComplete="off" />}
      </Field>
      <Field label={t('settings.upstreamMode')} error={paramError(err, 'upstream_mode')}>
        {(id, d) => (
          <select id={id} value={form.upstream_mode} onChange={(e) => set('upstream_mode', e.target.value as UpstreamMode)} aria-describedby={d}>
            <option value="direct">{t('settings.modeDirect')}</option>
            <option value="litellm">{t('settings.modeLitellm')}</option>
          </select>
        )}
      </Field>
      <Field label={t('settings.litellmUrl')} error={paramError(err, 'litellm_base_url')}>
        {(id, d) => (
          <input id={id} type="url" value={form.litellm_base_url} onChange={(e) => set('litellm_base_url', e.target.value)} aria-describedby={d} spellCheck={false} autoComplete="off" placeholder="http://litellm:4000" />
        )}
      </Field>
      <div className="span-all row-end">
        <button type="button" className="btn" onClick={() => q.data && setForm(toForm(q.data))} disabled={save.isPending}>
          {t('common.reset')}
        </button>
        <button type="submit" className="btn primary" disabled={save.isPending}>
          {save.isPending ? t('common.saving') : t('settings.save')}
        </button>
      </div>
    </form>
  );
}
