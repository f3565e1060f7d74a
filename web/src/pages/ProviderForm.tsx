import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { endpoints } from '../api/endpoints';
import { PROVIDER_KINDS, type Provider, type ProviderInput, type ProviderKind } from '../api/types';
import { Checkbox, ErrorBox, Field, Modal, paramError, parseList } from '../components/ui';
import { useNotify } from '../components/toast';
import { useT } from '../i18n';

const FIELDS = ['id', 'name', 'kind', 'base_url', 'api_key', 'api_version', 'enabled', 'models'];

const DEFAULT_URLS: Record<ProviderKind, string> = {
  openai: 'https://api.openai.com/v1',
  openai_compatible: 'http://localhost:8000/v1',
  azure: 'https://YOUR-RESOURCE.openai.azure.com',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  ollama: 'http://localhost:11434',
};

/** Builds the request body: on edit only changed fields; the key only when typed or cleared. */
export function providerBody(
  form: { id: string; name: string; kind: ProviderKind; base_url: string; api_key: string; clearKey: boolean; api_version: string; enabled: boolean; models: string },
  existing?: Provider,
): ProviderInput {
  const body: ProviderInput = {};
  if (!existing) {
    if (form.id.trim()) body.id = form.id.trim();
    body.name = form.name.trim();
    body.kind = form.kind;
    body.base_url = form.base_url.trim();
    if (form.api_key) body.api_key = form.api_key;
    if (form.api_version.trim()) body.api_version = form.api_version.trim();
    body.enabled = form.enabled;
    const models = parseList(form.models);
    if (models.length) body.models = models;
    return body;
  }
  if (form.name.trim() !== existing.name) body.name = form.name.trim();
  if (form.kind !== existing.kind) body.kind = form.kind;
  if (form.base_url.trim() !== existing.base_url) body.base_url = form.base_url.trim();
  const version = form.api_version.trim() || null;
  if (version !== (existing.api_version ?? null)) body.api_version = version;
  if (form.enabled !== existing.enabled) body.enabled = form.enabled;
  if (form.clearKey) body.api_key = '';
  else if (form.api_key) body.api_key = form.api_key;
  return body;
}

export function ProviderForm({ provider, onClose }: { provider?: Provider; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const [form, setForm] = useState(() => ({
    id: provider?.id ?? '',
    name: provider?.name ?? '',
    kind: (provider?.kind ?? 'openai_compatible') as ProviderKind,
    base_url: provider?.base_url ?? '',
    api_key: '',
    clearKey: false,
    api_version: provider?.api_version ?? '',
    enabled: provider?.enabled ?? true,
    models: '',
  }));
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));

  const save = useMutation({
    mutationFn: () => {
      const body = providerBody(form, provider);
      return provider ? endpoints.updateProvider(provider.id, body) : endpoints.createProvider(body);
    },
    onSuccess: (p) => {
      qc.invalidateQueries({ queryKey: ['providers'] });
      qc.invalidateQueries({ queryKey: ['status'] });
      notify(provider ? t('providers.saved', { name: p?.name ?? form.name }) : t('providers.created', { name: p?.name ?? form.name }));
      onClose();
    },
  });
  const err = save.error;

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate();
  }

  const formId = provider ? `provider-form-${provider.id}` : 'provider-form-new';
  return (
    <Modal
      title={provider ? t('providers.editTitle', { name: provider.name }) : t('providers.addTitle')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={formId} className="btn primary" disabled={save.isPending}>
            {save.isPending ? t('common.saving') : provider ? t('common.save') : t('common.create')}
          </button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="form-grid" noValidate>
        <ErrorBox error={err} skipFields={FIELDS} />
        {!provider && (
          <Field label={t('providers.id')} hint={t('providers.idHint')} error={paramError(err, 'id')}>
            {(id, d) => <input id={id} value={form.id} onChange={(e) => set('id', e.target.value)} aria-describedby={d} autoComplete="off" spellCheck={false} />}
          </Field>
        )}
        <Field label={t('providers.name')} error={paramError(err, 'name')}>
          {(id, d) => <input id={id} value={form.name} onChange={(e) => set('name', e.target.value)} aria-describedby={d} required autoComplete="off" />}
        </Field>
        <Field label={t('providers.kind')} error={paramError(err, 'kind')}>
          {(id, d) => (
            <select id={id} value={form.kind} onChange={(e) => set('kind', e.target.value as ProviderKind)} aria-describedby={d}>
              {PROVIDER_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('providers.baseUrl')} error={paramError(err, 'base_url')} hint={t('providers.baseUrlHint', { example: DEFAULT_URLS[form.kind] })} className="span-2">
          {(id, d) => (
            <input
              id={id}
              type="url"
              value={form.base_url}
              placeholder={DEFAULT_URLS[form.kind]}
              onChange={(e) => set('base_url', e.target.value)}
              aria-describedby={d}
              required
              spellCheck={false}
              autoComplete="off"
            />
          )}
        </Field>
        <Field
          label={t('providers.apiKey')}
          error={paramError(err, 'api_key')}
          hint={provider ? (provider.has_api_key ? t('providers.keyKeep', { masked: provider.api_key_masked ?? '••••' }) : t('providers.keyNone')) : t('providers.keyHint')}
          className="span-2"
        >
          {(id, d) => (
            <input
              id={id}
              type="password"
              value={form.api_key}
              disabled={form.clearKey}
              onChange={(e) => set('api_key', e.target.value)}
              aria-describedby={d}
              autoComplete="new-password"
              placeholder={provider?.has_api_key ? t('providers.keyPlaceholderKeep') : ''}
            />
          )}
        </Field>
        {provider?.has_api_key && (
          <div className="span-2">
            <Checkbox
              label={t('providers.clearKey')}
              checked={form.clearKey}
              onChange={(v) => setForm((f) => ({ ...f, clearKey: v, api_key: v ? '' : f.api_key }))}
            />
          </div>
        )}
        <Field label={t('providers.apiVersion')} hint={t('providers.apiVersionHint')} error={paramError(err, 'api_version')}>
          {(id, d) => <input id={id} value={form.api_version} onChange={(e) => set('api_version', e.target.value)} aria-describedby={d} autoComplete="off" />}
        </Field>
        <div className="field">
          <span className="label-like" aria-hidden="true">
            &nbsp;
          </span>
          <Checkbox label={t('common.enabled')} checked={form.enabled} onChange={(v) => set('enabled', v)} />
          {paramError(err, 'enabled') && <div className="field-error">{paramError(err, 'enabled')}</div>}
        </div>
        {!provider && (
          <Field label={t('providers.initialModels')} hint={t('providers.modelsHint')} error={paramError(err, 'models')} className="span-2">
            {(id, d) => <textarea id={id} rows={3} value={form.models} onChange={(e) => set('models', e.target.value)} aria-describedby={d} spellCheck={false} />}
          </Field>
        )}
      </form>
    </Modal>
  );
}
