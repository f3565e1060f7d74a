import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { endpoints } from '../../api/endpoints';
import type { Deployment, DeploymentInput, Provider } from '../../api/types';
import { Checkbox, ErrorBox, Field, Modal, paramError, warningText } from '../../components/ui';
import { useNotify } from '../../components/toast';
import { useT } from '../../i18n';

const FIELDS = ['provider_id', 'model', 'weight', 'priority', 'enabled', 'timeout_ms'];

export function DeploymentForm({ group, deployment, providers, onClose }: { group: string; deployment?: Deployment; providers: Provider[]; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const listId = useId();
  const [form, setForm] = useState(() => ({
    provider_id: deployment?.provider_id ?? providers[0]?.id ?? '',
    model: deployment?.model ?? '',
    weight: String(deployment?.weight ?? 1),
    priority: String(deployment?.priority ?? 0),
    enabled: deployment?.enabled ?? true,
    timeout_ms: deployment?.timeout_ms != null ? String(deployment.timeout_ms) : '',
  }));
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));
  const models = useQuery({
    queryKey: ['provider-models', form.provider_id],
    queryFn: () => endpoints.providerModels(form.provider_id),
    enabled: Boolean(form.provider_id),
  });
  const modelIds = (models.data ?? providers.find((p) => p.id === form.provider_id)?.models ?? []).map((m) => m.id);

  const save = useMutation({
    mutationFn: () => {
      const body: DeploymentInput = {
        provider_id: form.provider_id,
        model: form.model.trim(),
        weight: form.weight.trim() === '' ? NaN : Number(form.weight),
        priority: form.priority.trim() === '' ? 0 : Number(form.priority),
        enabled: form.enabled,
      };
      if (form.timeout_ms.trim() !== '') body.timeout_ms = Number(form.timeout_ms);
      else if (deployment?.timeout_ms != null) body.timeout_ms = null;
      return deployment ? endpoints.updateDeployment(deployment.id, body) : endpoints.createDeployment(group, body);
    },
    onSuccess: (d) => {
      qc.invalidateQueries({ queryKey: ['groups'] });
      qc.invalidateQueries({ queryKey: ['status'] });
      const warnings = d?.warnings ?? [];
      notify(deployment ? t('routing.depSaved') : t('routing.depAdded', { group }));
      for (const w of warnings) notify(t('routing.warning', { text: warningText(w) }), 'info');
      onClose();
    },
  });
  const err = save.error;
  const formId = 'deployment-form';
  return (
    <Modal
      title={deployment ? t('routing.editDep', { id: deployment.id }) : t('routing.addDepTo', { group })}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form={formId} className="btn primary" disabled={save.isPending}>
            {save.isPending ? t('common.saving') : deployment ? t('common.save') : t('common.add')}
          </button>
        </>
      }
    >
      <form id={formId} className="form-grid" onSubmit={(e: FormEvent) => (e.preventDefault(), save.mutate())} noValidate>
        <ErrorBox error={err} skipFields={FIELDS} />
        {providers.length === 0 && <div className="state warn span-2">{t('routing.needProvider')}</div>}
        <Field label={t('routing.provider')} error={paramError(err, 'provider_id')}>
          {(id, d) => (
            <select id={id} value={form.provider_id} onChange={(e) => set('provider_id', e.target.value)} aria-describedby={d}>
              {providers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.id})
                </option>
              ))}
              {form.provider_id && !providers.some((p) => p.id === form.provider_id) && <option value={form.provider_id}>{form.provider_id}</option>}
            </select>
          )}
        </Field>
        <Field
          label={t('routing.model')}
          error={paramError(err, 'model')}
          hint={models.isFetching ? t('common.loading') : modelIds.length ? t('routing.modelHint', { n: modelIds.length }) : t('routing.modelHintEmpty')}
        >
          {(id, d) => (
            <>
              <input id={id} list={listId} value={form.model} onChange={(e) => set('model', e.target.value)} aria-describedby={d} autoComplete="off" spellCheck={false} />
              <datalist id={listId}>
                {modelIds.map((m) => (
                  <option key={m} value={m} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label={t('routing.weight')} hint={t('routing.weightHint')} error={paramError(err, 'weight')}>
          {(id, d) => <input id={id} type="number" min={0} step="any" inputMode="decimal" value={form.weight} onChange={(e) => set('weight', e.target.value)} aria-describedby={d} />}
        </Field>
        <Field label={t('routing.priority')} hint={t('routing.priorityHint')} error={paramError(err, 'priority')}>
          {(id, d) => <input id={id} type="number" step={1} inputMode="numeric" value={form.priority} onChange={(e) => set('priority', e.target.value)} aria-describedby={d} />}
        </Field>
        <Field label={t('routing.timeout')} hint={t('routing.timeoutHint')} error={paramError(err, 'timeout_ms')}>
          {(id, d) => <input id={id} type="number" min={1} step={1} inputMode="numeric" value={form.timeout_ms} onChange={(e) => set('timeout_ms', e.target.value)} aria-describedby={d} />}
        </Field>
        <div className="field">
          <span className="label-like" aria-hidden="true">
            &nbsp;
          </span>
          <Checkbox label={t('common.enabled')} checked={form.enabled} onChange={(v) => set('enabled', v)} />
        </div>
      </form>
    </Modal>
  );
}
