import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { endpoints } from '../../api/endpoints';
import type { Group, GroupInput } from '../../api/types';
import { OrderedPicker } from '../../components/OrderedPicker';
import { ErrorBox, Field, Modal, paramError } from '../../components/ui';
import { useNotify } from '../../components/toast';
import { useT } from '../../i18n';

const FIELDS = ['name', 'description', 'fallbacks'];

export function GroupForm({ group, allGroups, onClose }: { group?: Group; allGroups: string[]; onClose: () => void }) {
  const t = useT();
  const qc = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [fallbacks, setFallbacks] = useState<string[]>(group?.fallbacks ?? []);
  const save = useMutation({
    mutationFn: () => {
      const body: GroupInput = { description, fallbacks };
      if (!group) body.name = name.trim();
      return group ? endpoints.updateGroup(group.name, body) : endpoints.createGroup(body);
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ['groups'] });
      qc.invalidateQueries({ queryKey: ['status'] });
      notify(group ? t('routing.groupSaved', { name: group.name }) : t('routing.groupCreated', { name: name.trim() }));
      onClose();
    },
  });
  const err = save.error;
  return (
    <Modal
      title={group ? t('routing.editGroup', { name: group.name }) : t('routing.addGroup')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="group-form" className="btn primary" disabled={save.isPending}>
            {save.isPending ? t('common.saving') : group ? t('common.save') : t('common.create')}
          </button>
        </>
      }
    >
      <form id="group-form" className="stack" onSubmit={(e: FormEvent) => (e.preventDefault(), save.mutate())} noValidate>
        <ErrorBox error={err} skipFields={FIELDS} />
        {!group && (
          <Field label={t('routing.groupName')} hint={t('routing.groupNameHint')} error={paramError(err, 'name')}>
            {(id, d) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} aria-describedby={d} autoComplete="off" spellCheck={false} />}
          </Field>
        )}
        <Field label={t('routing.description')} error={paramError(err, 'description')}>
          {(id, d) => <input id={id} value={description} onChange={(e) => setDescription(e.target.value)} aria-describedby={d} autoComplete="off" />}
        </Field>
        <OrderedPicker
          label={t('routing.fallbacks')}
          options={allGroups.filter((g) => g !== (group?.name ?? name.trim()))}
          value={fallbacks}
          onChange={setFallbacks}
          error={paramError(err, 'fallbacks')}
        />
        <p className="muted small">{t('routing.fallbacksHint')}</p>
      </form>
    </Modal>
  );
}
