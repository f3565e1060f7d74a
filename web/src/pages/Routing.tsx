import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { endpoints } from '../api/endpoints';
import type { Deployment, Group, Provider } from '../api/types';
import { Empty, ErrorBox, Loading, Modal } from '../components/ui';
import { useNotify } from '../components/toast';
import { useT } from '../i18n';
import { percentages, trafficSplit } from '../lib/split';
import { DeploymentForm } from './routing/DeploymentForm';
import { GroupForm } from './routing/GroupForm';
import { SettingsPanel } from './routing/SettingsPanel';
import { TrafficSplit } from './routing/TrafficSplit';

function ConfirmDelete({ title, text, onConfirm, onClose, error, busy }: { title: string; text: string; onConfirm: () => void; onClose: () => void; error: unknown; busy: boolean }) {
  const t = useT();
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn danger" onClick={onConfirm} disabled={busy}>
            {t('common.delete')}
          </button>
        </>
      }
    >
      <p>{text}</p>
      <ErrorBox error={error} />
    </Modal>
  );
}

type Dialog =
  | { kind: 'addGroup' }
  | { kind: 'editGroup' | 'deleteGroup' | 'addDep'; group: string }
  | { kind: 'editDep' | 'deleteDep'; group: string; dep: string }
  | null;

function GroupCard({ group, providers, setDialog }: { group: Group; providers: Map<string, Provider>; setDialog: (d: Dialog) => void }) {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const toggle = useMutation({
    mutationFn: (d: Deployment) => endpoints.updateDeployment(d.id, { enabled: !d.enabled }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['groups'] });
      qc.invalidateQueries({ queryKey: ['status'] });
    },
    onError: (e) => notify((e as Error).message, 'error'),
  });
  const shares = new Map<string, number>();
  for (const tier of trafficSplit(group.deployments)) {
    const pcts = percentages(tier.entries.map((e) => e.share));
    tier.entries.forEach((e, i) => shares.set(e.deployment.id, tier.primary ? pcts[i] : -pcts[i] - 1));
  }
  const sorted = [...group.deployments].sort((a, b) => a.priority - b.priority || b.weight - a.weight);
  const headingId = `group-${group.name}`;
  return (
    <section className="card group" aria-labelledby={headingId}>
      <div className="group-head">
        <div>
          <h2 id={headingId}>
            <code>{group.name}</code>
          </h2>
          {group.description && <div className="muted">{group.description}</div>}
          <div className="small">
            {t('routing.fallbacksLabel')}{' '}
            {group.fallbacks.length ? (
              group.fallbacks.map((f, i) => (
                <span key={f}>
                  {i > 0 && ' → '}
                  <code>{f}</code>
                </span>
              ))
            ) : (
              <span className="muted">{t('common.none')}</span>
            )}
          </div>
        </div>
        <div className="btn-row">
          <button type="button" className="btn small primary" onClick={() => setDialog({ kind: 'addDep', group: group.name })}>
            {t('routing.addDep')}
          </button>
          <button type="button" className="btn small" onClick={() => setDialog({ kind: 'editGroup', group: group.name })} aria-label={t('routing.editGroup', { name: group.name })}>
            {t('common.edit')}
          </button>
          <button type="button" className="btn small danger-ghost" onClick={() => setDialog({ kind: 'deleteGroup', group: group.name })} aria-label={t('routing.deleteGroup', { name: group.name })}>
            {t('common.delete')}
          </button>
        </div>
      </div>
      <div className="group-body">
        <div className="group-split">
          <h3 className="small-head">{t('routing.split')}</h3>
          <TrafficSplit deployments={group.deployments} providers={providers} />
        </div>
        <div className="group-deps">
          <h3 className="small-head">{t('routing.deployments')}</h3>
          {sorted.length === 0 ? (
            <Empty>{t('routing.noDeployments')}</Empty>
          ) : (
            <table className="table responsive compact">
              <thead>
                <tr>
                  <th scope="col">{t('routing.target')}</th>
                  <th scope="col">{t('routing.weight')}</th>
                  <th scope="col">{t('routing.priority')}</th>
                  <th scope="col">{t('routing.timeout')}</th>
                  <th scope="col">{t('routing.share')}</th>
                  <th scope="col">{t('common.enabled')}</th>
                  <th scope="col">
                    <span className="sr-only">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((d) => {
                  const s = shares.get(d.id) ?? 0;
                  const draining = !d.enabled || d.weight <= 0;
                  return (
                    <tr key={d.id} className={draining ? 'disabled-row' : undefined}>
                      <td data-label={t('routing.target')}>
                        <div>
                          <code>{d.model}</code>
                        </div>
                        <div className="muted small">
                          {providers.get(d.provider_id)?.name ?? d.provider_id} · <span className="mono">{d.id}</span>
                        </div>
                      </td>
                      <td data-label={t('routing.weight')}>{d.weight}</td>
                      <td data-label={t('routing.priority')}>{d.priority}</td>
                      <td data-label={t('routing.timeout')}>{d.timeout_ms != null ? `${d.timeout_ms} ms` : <span className="muted">{t('routing.default')}</span>}</td>
                      <td data-label={t('routing.share')}>
                        {draining ? <span className="tag warn">{t('routing.draining')}</span> : s >= 0 ? `${s}%` : <span className="muted">{t('routing.failoverShare', { pct: -s - 1 })}</span>}
                      </td>
                      <td data-label={t('common.enabled')}>
                        <input id={`enabled-${d.id}`} type="checkbox" checked={d.enabled} disabled={toggle.isPending} onChange={() => toggle.mutate(d)} />
                        <label htmlFor={`enabled-${d.id}`} className="sr-only">
                          {t('routing.enabledFor', { id: d.id })}
                        </label>
                      </td>
                      <td className="actions">
                        <button type="button" className="btn small" onClick={() => setDialog({ kind: 'editDep', group: group.name, dep: d.id })} aria-label={t('routing.editDep', { id: d.id })}>
                          {t('common.edit')}
                        </button>
                        <button
                          type="button"
                          className="btn small danger-ghost"
                          onClick={() => setDialog({ kind: 'deleteDep', group: group.name, dep: d.id })}
                          aria-label={t('routing.removeDep', { id: d.id })}
                        >
                          {t('common.remove')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </section>
  );
}

export function RoutingPage() {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const groups = useQuery({ queryKey: ['groups'], queryFn: endpoints.groups });
  const providersQ = useQuery({ queryKey: ['providers'], queryFn: endpoints.providers });
  const providers = useMemo(() => new Map((providersQ.data ?? []).map((p) => [p.id, p])), [providersQ.data]);
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);
  const invalidate = () => {
    qc.invalidateQueries({ queryKey: ['groups'] });
    qc.invalidateQueries({ queryKey: ['status'] });
  };
  const delGroup = useMutation({
    mutationFn: (name: string) => endpoints.deleteGroup(name),
    onSuccess: (_r, name) => {
      invalidate();
      notify(t('routing.groupDeleted', { name }));
      close();
    },
  });
  const delDep = useMutation({
    mutationFn: (id: string) => endpoints.deleteDeployment(id),
    onSuccess: (_r, id) => {
      invalidate();
      notify(t('routing.depRemoved', { id }));
      close();
    },
  });
  const groupNames = (groups.data ?? []).map((g) => g.name);
  const dGroup = dialog && dialog.kind !== 'addGroup' ? groups.data?.find((g) => g.name === dialog.group) : undefined;
  const dDep = dialog && (dialog.kind === 'editDep' || dialog.kind === 'deleteDep') ? dGroup?.deployments.find((d) => d.id === dialog.dep) : undefined;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>{t('routing.title')}</h1>
          <p className="muted">{t('routing.subtitle')}</p>
        </div>
        <button type="button" className="btn primary" onClick={() => setDialog({ kind: 'addGroup' })}>
          {t('routing.addGroup')}
        </button>
      </div>
      {groups.isPending ? (
        <Loading />
      ) : groups.isError ? (
        <ErrorBox error={groups.error} retry={() => groups.refetch()} />
      ) : groups.data.length === 0 ? (
        <Empty>
          <p>{t('routing.empty')}</p>
          <button type="button" className="btn primary" onClick={() => setDialog({ kind: 'addGroup' })}>
            {t('routing.addGroup')}
          </button>
        </Empty>
      ) : (
        groups.data.map((g) => <GroupCard key={g.name} group={g} providers={providers} setDialog={setDialog} />)
      )}
      {providersQ.isError && <ErrorBox error={providersQ.error} retry={() => providersQ.refetch()} />}

      <details className="card settings-panel">
        <summary>
          <h2>{t('settings.title')}</h2>
          <span className="muted small">{t('settings.subtitle')}</span>
        </summary>
        <SettingsPanel />
      </details>

      {dialog?.kind === 'addGroup' && <GroupForm allGroups={groupNames} onClose={close} />}
      {dialog?.kind === 'editGroup' && dGroup && <GroupForm group={dGroup} allGroups={groupNames} onClose={close} />}
      {dialog?.kind === 'deleteGroup' && dGroup && (
        <ConfirmDelete
          title={t('routing.deleteGroup', { name: dGroup.name })}
          text={t('routing.deleteGroupConfirm', { name: dGroup.name, n: dGroup.deployments.length })}
          onConfirm={() => delGroup.mutate(dGroup.name)}
          onClose={() => (delGroup.reset(), close())}
          error={delGroup.error}
          busy={delGroup.isPending}
        />
      )}
      {dialog?.kind === 'addDep' && dGroup && <DeploymentForm group={dGroup.name} providers={providersQ.data ?? []} onClose={close} />}
      {dialog?.kind === 'editDep' && dGroup && dDep && <DeploymentForm group={dGroup.name} deployment={dDep} providers={providersQ.data ?? []} onClose={close} />}
      {dialog?.kind === 'deleteDep' && dDep && (
        <ConfirmDelete
          title={t('routing.removeDep', { id: dDep.id })}
          text={t('routing.removeDepConfirm', { id: dDep.id, model: dDep.model })}
          onConfirm={() => delDep.mutate(dDep.id)}
          onClose={() => (delDep.reset(), close())}
          error={delDep.error}
          busy={delDep.isPending}
        />
      )}
    </div>
  );
}
