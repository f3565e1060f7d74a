// The traffic split of one group, as the router computes it (API.md "Routing"): tiers by
// priority, lowest first; inside a tier a weighted random pick among enabled deployments with
// weight > 0. Weight 0 or disabled: draining (no new traffic). Only the first tier that has an
// active deployment takes traffic while healthy; the others are failover.
import type { Deployment } from '../api/types';

export interface SplitEntry {
  deployment: Deployment;
  /** Share of the tier's traffic, 0..1 (0 when draining). */
  share: number;
  draining: boolean;
}

export interface SplitTier {
  priority: number;
  entries: SplitEntry[];
  /** Sum of the active weights of the tier. */
  totalWeight: number;
  /** True for the tier that takes traffic while everything is healthy. */
  primary: boolean;
  /** True when the tier has no active deployment at all. */
  allDraining: boolean;
}

export function isActive(d: Deployment): boolean {
  return d.enabled && Number.isFinite(d.weight) && d.weight > 0;
}

export function trafficSplit(deployments: Deployment[]): SplitTier[] {
  const byPriority = new Map<number, Deployment[]>();
  for (const d of deployments) {
    const p = Number.isFinite(d.priority) ? d.priority : 0;
    const list = byPriority.get(p);
    if (list) list.push(d);
    else byPriority.set(p, [d]);
  }
  const priorities = [...byPriority.keys()].sort((a, b) => a - b);
  let primaryFound = false;
  return priorities.map((priority) => {
    const list = byPriority.get(priority)!;
    const totalWeight = list.filter(isActive).reduce((s, d) => s + d.weight, 0);
    const entries = list.map((d) => {
      const active = isActive(d);
      return { deployment: d, draining: !active, share: active && totalWeight > 0 ? d.weight / totalWeight : 0 };
    });
    const allDraining = totalWeight <= 0;
    const primary = !primaryFound && !allDraining;
    if (primary) primaryFound = true;
    return { priority, entries, totalWeight, primary, allDraining };
  });
}

/** Rounds shares to whole percents that add up to exactly 100 (largest remainder). */
export function percentages(shares: number[]): number[] {
  const total = shares.reduce((s, x) => s + x, 0);
  if (total <= 0) return shares.map(() => 0);
  const raw = shares.map((s) => (s / total) * 100);
  const floors = raw.map(Math.floor);
  let left = 100 - floors.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (shares[i] > 0) {
      floors[i] += 1;
      left -= 1;
    }
  }
  return floors;
}
