import { useState, type FormEvent } from 'react';
import { api, isApiError, setToken, takeUnauthorizedReason } from '../api/client';
import { LangSwitch } from '../components/LangSwitch';
import { Field } from '../components/ui';
import { useT } from '../i18n';

export function SignIn() {
  const t = useT();
  const [token, setTok] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [expired] = useState(() => takeUnauthorizedReason());

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = token.trim();
    if (!value) {
      setError(t('auth.tokenRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.get('/api/providers', { token: value, keepSessionOn401: true });
      setToken(value);
    } catch (err) {
      if (isApiError(err) && (err.status === 401 || err.status === 403)) setError(t('auth.rejected'));
      else if (isApiError(err) && err.status === 0) setError(t('error.network', { message: err.message }));
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin-wrap">
      <form className="card signin" onSubmit={submit} noValidate>
        <div className="signin-head">
          <div className="brand">
            <span className="logo" aria-hidden="true" />
            sparouter
          </div>
          <LangSwitch />
        </div>
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.explain')}</p>
        {expired && (
          <div className="state warn" role="status">
            {t('auth.expired')}
          </div>
        )}
        <Field label={t('auth.token')} error={error ?? undefined}>
          {(id, d) => (
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              value={token}
              onChange={(e) => setTok(e.target.value)}
              aria-describedby={d}
              aria-invalid={error ? true : undefined}
              autoFocus
            />
          )}
        </Field>
        <button type="submit" className="btn primary block" disabled={busy}>
          {busy ? t('auth.checking') : t('auth.signIn')}
        </button>
        <p className="muted small">{t('auth.storage')}</p>
      </form>
    </div>
  );
}
