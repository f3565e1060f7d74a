// Small building blocks shared by the pages: labelled fields, states, badges, bars, dialogs.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { isApiError } from '../api/client';
import { useT } from '../i18n';
import type { Health } from '../api/types';

/** The message of an API error when its `param` names this field (or a sub-field of it). */
export function paramError(err: unknown, ...names: string[]): string | undefined {
  if (!isApiError(err) || !err.param) return undefined;
  const p = err.param;
  return names.some((n) => p === n || p.startsWith(`${n}.`) || p.startsWith(`${n}[`)) ? err.message : undefined;
}

/** True when the error names a field that the form shows next to that field. */
export function isFieldError(err: unknown, fields: string[]): boolean {
  return fields.some((f) => paramError(err, f) !== undefined);
}

interface FieldProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: (id: string, describedBy: string | undefined) => ReactNode;
  className?: string;
}

/** A <label> bound to its control, with the field's hint and error below it. */
export function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errId} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

export function Checkbox({ label, checked, onChange, disabled }: { label: ReactNode; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const t = useT();
  return (
    <div className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** An error box for errors not shown next to a field. `retry` adds a retry button. */
export function ErrorBox({ error, retry, skipFields }: { error: unknown; retry?: () => void; skipFields?: string[] }) {
  const t = useT();
  if (!error) return null;
  if (skipFields && isFieldError(error, skipFields)) return null;
  let msg: string;
  let detail: string | null = null;
  if (isApiError(error)) {
    msg = error.status === 0 ? t('error.network', { message: error.message }) : error.message;
    detail = [error.status ? `HTTP ${error.status}` : null, error.type, error.code].filter(Boolean).join(' · ');
  } else {
    msg = (error as Error)?.message ?? String(error);
  }
  return (
    <div className="state error" role="alert">
      <div>
        <strong>{t('common.error')}</strong> {msg}
        {detail && <div className="muted small">{detail}</div>}
      </div>
      {retry && (
        <button type="button" className="btn small" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function HealthBadge({ health }: { health?: Health | null }) {
  const t = useT();
  const status = health?.status ?? 'unknown';
  const label = status === 'healthy' ? t('health.healthy') : status === 'unhealthy' ? t('health.unhealthy') : t('health.unknown');
  const title = health?.error ? String(health.error) : undefined;
  return (
    <span className={`badge health-${status}`} title={title}>
      <span className="dot" aria-hidden="true" />
      {label}
      {health?.latency_ms != null && status !== 'unknown' && <span className="muted"> · {Math.round(health.latency_ms)} ms</span>}
    </span>
  );
}

export function Bar({ value, label, tone }: { value: number; label?: string; tone?: 'muted' | 'accent' | 'ok' }) {
  const pct = Math.max(0, Math.min(100, value * 100));
  return (
    <div className={`bar ${tone ?? 'accent'}`} role="img" aria-label={label ?? `${pct.toFixed(0)}%`}>
      <div className="bar-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

interface ModalProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}

/** A modal dialog: Escape closes, focus moves in on open and back on close, Tab stays inside. */
export function Modal({ title, onClose, children, footer, wide }: ModalProps) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select, textarea, button:not(.modal-close)');
    (first ?? el)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        closeRef.current();
      } else if (e.key === 'Tab' && el) {
        const items = [...el.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled])')];
        if (items.length === 0) return;
        const a = items[0];
        const z = items[items.length - 1];
        if (e.shiftKey && document.activeElement === a) {
          e.preventDefault();
          z.focus();
        } else if (!e.shiftKey && document.activeElement === z) {
          e.preventDefault();
          a.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    document.body.classList.add('modal-open');
    return () => {
      document.removeEventListener('keydown', onKey);
      document.body.classList.remove('modal-open');
      prev?.focus?.();
    };
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={`modal${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref} tabIndex={-1}>
        <div className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="btn ghost modal-close" onClick={onClose} aria-label={t('common.close')}>
            ×
          </button>
        </div>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-foot">{footer}</div>}
      </div>
    </div>
  );
}

/** A warning of the API (a string, or an object with a message) as text. */
export function warningText(w: unknown): string {
  if (typeof w === 'string') return w;
  if (w && typeof w === 'object') {
    const o = w as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
  }
  return JSON.stringify(w);
}

/** Parses a list typed one item per line or comma-separated; trims, drops empties and duplicates. */
export function parseList(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const s = raw.trim();
    if (s && !seen.has(s)) {
      seen.add(s);
      out.push(s);
    }
  }
  return out;
}

export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' });
}
