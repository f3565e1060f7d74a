import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { endpoints } from '../api/endpoints';
import { ErrorBox, HealthBadge, Loading } from '../components/ui';
import { useT } from '../i18n';
import { statusFacts } from '../lib/status';

function formatUptime(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return `${m}m ${Math.floor(s % 60)}s`;
}

export function OverviewPage() {
  const t = useT();
  const status = useQuery({ queryKey: ['status'], queryFn: endpoints.status });
  const providers = useQuery({ queryKey: ['providers'], queryFn: endpoints.providers });
  const groups = useQuery({ queryKey: ['groups'], queryFn: endpoints.groups });
  const facts = statusFacts(status.data);
  const deployments = groups.data?.reduce((n, g) => n + g.deployments.length, 0) ?? 0;
  const unhealthy = providers.data?.filter((p) => p.health?.status === 'unhealthy') ?? [];

  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('overview.title')}</h1>
      </div>
      <div className="tiles">
        <section className="card tile" aria-labelledby="ov-active">
          <h2 id="ov-active">{t('overview.active')}</h2>
          {status.isPending ? (
            <Loading />
          ) : status.isError ? (
            <ErrorBox error={status.error} retry={() => status.refetch()} />
          ) : (
            <>
              <div className="tile-value">{facts.version ? <code>{facts.version.slice(0, 12)}</code> : t('status.notApplied')}</div>
              <div className={facts.differs ? 'warn-text' : 'muted'}>{facts.differs ? t('overview.draftDiffers') : t('overview.inSync')}</div>
              {facts.uptimeS != null && <div className="muted small">{t('overview.uptime', { uptime: formatUptime(facts.uptimeS) })}</div>}
              <Link to="/generate" className="btn small">
                {t('overview.toGenerate')}
              </Link>
            </>
          )}
        </section>
        <section className="card tile" aria-labelledby="ov-prov">
          <h2 id="ov-prov">{t('nav.providers')}</h2>
          {providers.isPending ? (
            <Loading />
          ) : providers.isError ? (
            <ErrorBox error={providers.error} retry={() => providers.refetch()} />
          ) : (
            <>
              <div className="tile-value">{providers.data.length}</div>
              <div className={unhealthy.length ? 'warn-text' : 'muted'}>
                {unhealthy.length ? t('overview.unhealthy', { n: unhealthy.length }) : t('overview.noUnhealthy')}
              </div>
              <Link to="/providers" className="btn small">
                {t('overview.manage')}
              </Link>
            </>
          )}
        </section>
        <section className="card tile" aria-labelledby="ov-groups">
          <h2 id="ov-groups">{t('overview.groups')}</h2>
          {groups.isPending ? (
            <Loading />
          ) : groups.isError ? (
            <ErrorBox error={groups.error} retry={() => groups.refetch()} />
          ) : (
            <>
              <div className="tile-value">{groups.data.length}</div>
              <div className="muted">{t('overview.deployments', { n: deployments })}</div>
              <Link to="/routing" className="btn small">
                {t('overview.manage')}
              </Link>
            </>
          )}
        </section>
      </div>
      {providers.data && providers.data.length > 0 && (
        <section className="card" aria-labelledby="ov-health">
          <h2 id="ov-health">{t('overview.health')}</h2>
          <ul className="plain-list">
            {providers.data.map((p) => (
              <li key={p.id} className="row-between">
                <span>
                  <strong>{p.name}</strong> <span className="muted small">{p.id}</span>
                </span>
                <HealthBadge health={p.health} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {providers.data?.length === 0 && (
        <section className="card">
          <h2>{t('overview.start')}</h2>
          <ol className="steps">
            <li>{t('overview.step1')}</li>
            <li>{t('overview.step2')}</li>
            <li>{t('overview.step3')}</li>
            <li>{t('overview.step4')}</li>
          </ol>
        </section>
      )}
    </div>
  );
}
