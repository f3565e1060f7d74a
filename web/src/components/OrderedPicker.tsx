// An ordered choice from a fixed set (group fallbacks): add from a select, reorder, remove.
import { useId, useState } from 'react';
import { useT } from '../i18n';

export function OrderedPicker({ label, options, value, onChange, error }: { label: string; options: string[]; value: string[]; onChange: (v: string[]) => void; error?: string }) {
  const t = useT();
  const id = useId();
  const [pick, setPick] = useState('');
  const left = options.filter((o) => !value.includes(o));
  const move = (i: number, d: number) => {
    const next = [...value];
    const j = i + d;
    if (j < 0 || j >= next.length) return;
    [next[i], next[j]] = [next[j], next[i]];
    onChange(next);
  };
  return (
    <fieldset className={`field ordered${error ? ' has-error' : ''}`}>
      <legend>{label}</legend>
      {value.length === 0 ? (
        <div className="muted small">{t('common.noneSelected')}</div>
      ) : (
        <ol className="ordered-list">
          {value.map((v, i) => (
            <li key={v}>
              <code>{v}</code>
              <span className="btn-group">
                <button type="button" className="btn small ghost" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('common.moveUpItem', { item: v })}>
                  ↑
                </button>
                <button type="button" className="btn small ghost" onClick={() => move(i, 1)} disabled={i === value.length - 1} aria-label={t('common.moveDownItem', { item: v })}>
                  ↓
                </button>
                <button type="button" className="btn small ghost" onClick={() => onChange(value.filter((x) => x !== v))} aria-label={t('common.removeItem', { item: v })}>
                  ×
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      {left.length > 0 && (
        <div className="inline-add">
          <label htmlFor={id} className="sr-only">
            {t('common.addItemTo', { list: label })}
          </label>
          <select id={id} value={pick} onChange={(e) => setPick(e.target.value)}>
            <option value="">{t('common.choose')}</option>
            {left.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn small"
            disabled={!pick}
            onClick={() => {
              onChange([...value, pick]);
              setPick('');
            }}
          >
            {t('common.add')}
          </button>
        </div>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}
