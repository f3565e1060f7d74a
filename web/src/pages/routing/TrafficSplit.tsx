import type { Deployment, Provider } from '../../api/types';
import { useT } from '../../i18n';
import { percentages, trafficSplit } from '../../lib/split';

const PALETTE = 8;

/** Where the traffic of one group goes: one stacked bar per priority tier, with a legend. */
export function TrafficSplit({ deployments, providers }: { deployments: Deployment[]; providers: Map<string, Provider> }) {
  const t = useT();
  const tiers = trafficSplit(deployments);
  if (tiers.length === 0) return <div className="muted small">{t('routing.noDeployments')}</div>;
  let color = 0;
  const colors = new Map<string, number>();
  for (const d of deployments) colors.set(d.id, color++ % PALETTE);
  return (
    <div className="split">
      {tiers.map((tier) => {
        const pcts = percentages(tier.entries.map((e) => e.share));
        const role = tier.allDraining ? t('routing.tierDraining') : tier.primary ? t('routing.tierPrimary') : t('routing.tierFailover');
        return (
          <div key={tier.priority} className={`tier${tier.primary ? ' primary' : ''}`}>
            <div className="tier-head">
              <strong>{t('routing.tier', { p: tier.priority })}</strong>
              <span className="muted small">{role}</span>
            </div>
            <div className="stack-bar" role="img" aria-label={tier.entries.map((e, i) => `${e.deployment.model}: ${e.draining ? t('routing.draining') : `${pcts[i]}%`}`).join(', ')}>
              {tier.allDraining ? (
                <div className="seg draining" style={{ width: '100%' }} />
              ) : (
                tier.entries
                  .filter((e) => !e.draining)
                  .map((e) => <div key={e.deployment.id} className={`seg c${colors.get(e.deployment.id)}`} style={{ width: `${e.share * 100}%` }} />)
              )}
            </div>
            <ul className="legend">
              {tier.entries.map((e, i) => (
                <li key={e.deployment.id} className={e.draining ? 'draining' : undefined}>
                  <span className={`swatch c${colors.get(e.deployment.id)}${e.draining ? ' draining' : ''}`} aria-hidden="true" />
                  <span className="legend-name">
                    {providers.get(e.deployment.provider_id)?.name ?? e.deployment.provider_id} / <code>{e.deployment.model}</code>
                  </span>
                  <span className="legend-val">
                    {e.draining ? (
                      <span className="tag warn">{!e.deployment.enabled ? t('routing.disabledDraining') : t('routing.draining')}</span>
                    ) : (
                      <>
                        <strong>{pcts[i]}%</strong> <span className="muted small">{t('routing.weightShort', { w: e.deployment.weight })}</span>
                      </>
                    )}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}
