import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../api/client';
import { endpoints } from '../api/endpoints';
import type { Provider } from '../api/types';
import { Empty, ErrorBox, Field, HealthBadge, Loading, Modal, formatTime, paramError, parseList } from '../components/ui';
import { useNotify } from '../components/toast';
import { useI18n, useT } from '../i18n';
import { ProviderForm } from './ProviderForm';

/** The deployments a 409 names, wherever the server put them in its error body. */
export function blockingDeployments(err: unknown): string[] {
  if (!isApiError(err) || err.status !== 409) return [];
  const body = err.body as Record<string, unknown> | undefined;
  const e = (body?.error ?? {}) as Record<string, unknown>;
  const candidates = [e.deployments, body?.deployments, e.details, e.blocking, e.used_by, body?.used_by];
  for (const c of candidates) {
    if (Array.isArray(c) && c.length) {
      return c.map((x) => {
        if (typeof x === 'string') return x;
        const o = x as Record<string, unknown>;
        const id = String(o.id ?? o.deployment ?? '?');
        return o.group ? `${id} (${String(o.group)})` : id;
      });
    }
  }
  // The server names them in the message: deployment "id" and deployment "id2".
  return [...err.message.matchAll(/deployment "([^"]+)"/g)].map((m) => m[1]);
}

function DeleteProvider({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const del = useMutation({
    mutationFn: (cascade: boolean) => endpoints.deleteProvider(provider.id, cascade),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['providers'] });
      qc.invalidateQueries({ queryKey: ['groups'] });
      qc.invalidateQueries({ queryKey: ['status'] });
      notify(t('providers.deleted', { name: provider.name }));
      onClose();
    },
  });
  const blocked = isApiError(del.error) && del.error.status === 409;
  const deps = blockingDeployments(del.error);
  return (
    <Modal
      title={t('providers.deleteTitle', { name: provider.name })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          {blocked ? (
            <button type="button" className="btn danger" disabled={del.isPending} onClick={() => del.mutate(true)}>
              {t('providers.deleteCascade')}
            </button>
          ) : (
            <button type="button" className="btn danger" disabled={del.isPending} onClick={() => del.mutate(false)}>
              {t('common.delete')}
            </button>
          )}
        </>
      }
    >
      {blocked ? (
        <div className="state warn" role="alert">
          <p>{t('providers.deleteBlocked')}</p>
          <p className="small">{(del.error as Error).message}</p>
          {deps.length > 0 && (
            <ul className="tag-list" aria-label={t('providers.blockingDeps')}>
              {deps.map((d) => (
                <li key={d}>
                  <code>{d}</code>
                </li>
              ))}
            </ul>
          )}
          <p className="small">{t('providers.cascadeExplain')}</p>
        </div>
      ) : (
        <>
          <p>{t('providers.deleteConfirm', { name: provider.name, id: provider.id })}</p>
          <ErrorBox error={del.error} />
        </>
      )}
    </Modal>
  );
}

function ModelsDialog({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const [text, setText] = useState('');
  const models = useQuery({ queryKey: ['provider-models', provider.id], queryFn: () => endpoints.providerModels(provider.id) });
  const refresh = () => {
    qc.invalidateQueries({ queryKey: ['providers'] });
    qc.invalidateQueries({ queryKey: ['provider-models', provider.id] });
  };
  const imp = useMutation({
    mutationFn: (list: string[]) => endpoints.importModels(provider.id, list),
    onSuccess: (r) => {
      notify(t('providers.imported', { n: r?.added ?? 0 }));
      setText('');
      refresh();
    },
  });
  const sync = useMutation({
    mutationFn: () => endpoints.syncModels(provider.id),
    onSuccess: (r) => {
      notify(t('providers.synced', { added: r?.added ?? 0, removed: r?.removed ?? 0 }));
      refresh();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const list = parseList(text);
    if (list.length) imp.mutate(list);
  }
  const list = models.data ?? provider.models;
  return (
    <Modal title={t('providers.modelsTitle', { name: provider.name })} onClose={onClose} wide>
      <div className="row-between wrap">
        <span className="muted">{t('providers.modelCount', { n: list.length })}</span>
        <button type="button" className="btn" disabled={sync.isPending} onClick={() => sync.mutate()}>
          {sync.isPending ? t('providers.syncing') : t('providers.sync')}
        </button>
      </div>
      <ErrorBox error={sync.error} />
      {models.isPending && !list.length ? (
        <Loading />
      ) : models.isError ? (
        <ErrorBox error={models.error} retry={() => models.refetch()} />
      ) : list.length === 0 ? (
        <Empty>{t('providers.noModels')}</Empty>
      ) : (
        <ul className="model-list">
          {list.map((m) => (
            <li key={m.id}>
              <code>{m.id}</code>
              {m.source && <span className={`tag src-${m.source}`}>{t(m.source === 'manual' ? 'providers.srcManual' : m.source === 'sync' ? 'providers.srcSync' : 'providers.srcOther')}</span>}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} className="stack" noValidate>
        <Field label={t('providers.importLabel')} hint={t('providers.modelsHint')} error={paramError(imp.error, 'models')}>
          {(id, d) => <textarea id={id} rows={4} value={text} onChange={(e) => setText(e.target.value)} aria-describedby={d} spellCheck={false} />}
        </Field>
        <ErrorBox error={imp.error} skipFields={['models']} />
        <div>
          <button type="submit" className="btn primary" disabled={imp.isPending || parseList(text).length === 0}>
            {imp.isPending ? t('common.saving') : t('providers.import')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ProviderRow({ p, onEdit, onDelete, onModels }: { p: Provider; onEdit: () => void; onDelete: () => void; onModels: () => void }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const health = useMutation({
    mutationFn: () => endpoints.healthCheck(p.id),
    onSuccess: (h) => {
      qc.invalidateQueries({ queryKey: ['providers'] });
      notify(
        h?.status === 'healthy' ? t('providers.healthOk', { name: p.name, ms: Math.round(h.latency_ms ?? 0) }) : t('providers.healthBad', { name: p.name, error: h?.error ?? String(h?.http_status ?? '') }),
        h?.status === 'healthy' ? 'ok' : 'error',
      );
    },
    onError: (e) => notify(`${p.name}: ${(e as Error).message}`, 'error'),
  });
  const sync = useMutation({
    mutationFn: () => endpoints.syncModels(p.id),
    onSuccess: (r) => {
      qc.invalidateQueries({ queryKey: ['providers'] });
      qc.invalidateQueries({ queryKey: ['provider-models', p.id] });
      notify(t('providers.syncedName', { name: p.name, added: r?.added ?? 0, removed: r?.removed ?? 0, n: r?.models?.length ?? 0 }));
    },
    onError: (e) => notify(`${p.name}: ${(e as Error).message}`, 'error'),
  });
  return (
    <tr className={p.enabled ? undefined : 'disabled-row'}>
      <td data-label={t('providers.name')}>
        <strong>{p.name}</strong>
        <div className="muted small mono">{p.id}</div>
        {!p.enabled && <span className="tag">{t('common.disabled')}</span>}
      </td>
      <td data-label={t('providers.kind')}>{t(`kind.${p.kind}`)}</td>
      <td data-label={t('providers.baseUrl')} className="mono break">
        {p.base_url}
      </td>
      <td data-label={t('providers.apiKey')} className="mono">
        {p.has_api_key ? p.api_key_masked || '••••' : <span className="muted">{t('providers.noKey')}</span>}
      </td>
      <td data-label={t('providers.health')}>
        <HealthBadge health={p.health} />
        <div className="muted small">{p.health?.checked_at ? formatTime(p.health.checked_at, lang) : t('providers.neverChecked')}</div>
      </td>
      <td data-label={t('providers.models')}>
        <button type="button" className="btn link" onClick={onModels} aria-label={t('providers.modelsFor', { name: p.name, n: p.models.length })}>
          {p.models.length}
        </button>
      </td>
      <td className="actions">
        <button type="button" className="btn small" disabled={health.isPending} onClick={() => health.mutate()} aria-label={t('providers.checkFor', { name: p.name })}>
          {health.isPending ? t('providers.checking') : t('providers.check')}
        </button>
        <button type="button" className="btn small" disabled={sync.isPending} onClick={() => sync.mutate()} aria-label={t('providers.syncFor', { name: p.name })}>
          {sync.isPending ? t('providers.syncing') : t('providers.sync')}
        </button>
        <button type="button" className="btn small" onClick={onEdit} aria-label={t('providers.editFor', { name: p.name })}>
          {t('common.edit')}
        </button>
        <button type="button" className="btn small danger-ghost" onClick={onDelete} aria-label={t('providers.deleteFor', { name: p.name })}>
          {t('common.delete')}
        </button>
      </td>
    </tr>
  );
}

type Dialog = { kind: 'create' } | { kind: 'edit' | 'delete' | 'models'; id: string } | null;

export function ProvidersPage() {
  const t = useT();
  const q = useQuery({ queryKey: ['providers'], queryFn: endpoints.providers });
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  const current = dialog && dialog.kind !== 'create' ? q.data?.find((p) => p.id === dialog.id) : undefined;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('providers.title')}</h1>
          <p className="muted">{t('providers.subtitle')}</p>
        </div>
        <button type="button" className="btn primary" onClick={() => setDialog({ kind: 'create' })}>
          {t('providers.add')}
        </button>
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <ErrorBox error={q.error} retry={() => q.refetch()} />
      ) : q.data.length === 0 ? (
        <Empty>
          <p>{t('providers.empty')}</p>
          <button type="button" className="btn primary" onClick={() => setDialog({ kind: 'create' })}>
            {t('providers.add')}
          </button>
        </Empty>
      ) : (
        <div className="card flush">
          <table className="table responsive">
            <thead>
              <tr>
                <th scope="col">{t('providers.name')}</th>
                <th scope="col">{t('providers.kind')}</th>
                <th scope="col">{t('providers.baseUrl')}</th>
                <th scope="col">{t('providers.apiKey')}</th>
                <th scope="col">{t('providers.health')}</th>
                <th scope="col">{t('providers.models')}</th>
                <th scope="col">
                  <span className="sr-only">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.map((p) => (
                <ProviderRow
                  key={p.id}
                  p={p}
                  onEdit={() => setDialog({ kind: 'edit', id: p.id })}
                  onDelete={() => setDialog({ kind: 'delete', id: p.id })}
                  onModels={() => setDialog({ kind: 'models', id: p.id })}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === 'create' && <ProviderForm onClose={close} />}
      {dialog?.kind === 'edit' && current && <ProviderForm provider={current} onClose={close} />}
      {dialog?.kind === 'delete' && current && <DeleteProvider provider={current} onClose={close} />}
      {dialog?.kind === 'models' && current && <ModelsDialog provider={current} onClose={close} />}
    </div>
  );
}
