import { describe, expect, it } from 'vitest';
import type { Deployment } from '../api/types';
import { percentages, trafficSplit } from './split';

const dep = (id: string, weight: number, priority = 0, enabled = true): Deployment => ({ id, group: 'g', provider_id: 'p', model: id, weight, priority, enabled });

describe('trafficSplit', () => {
  it('splits a tier by weight', () => {
    const [tier] = trafficSplit([dep('a', 3), dep('b', 1)]);
    expect(tier.primary).toBe(true);
    expect(tier.totalWeight).toBe(4);
    expect(tier.entries.map((e) => e.share)).toEqual([0.75, 0.25]);
  });
  it('orders tiers by priority, lowest first; only the first active tier is primary', () => {
    const tiers = trafficSplit([dep('late', 1, 5), dep('first', 1, 0), dep('mid', 2, 1)]);
    expect(tiers.map((t) => t.priority)).toEqual([0, 1, 5]);
    expect(tiers.map((t) => t.primary)).toEqual([true, false, false]);
  });
  it('shows weight 0 and disabled deployments as draining with no share', () => {
    const [tier] = trafficSplit([dep('a', 2), dep('zero', 0), dep('off', 5, 0, false)]);
    expect(tier.entries.map((e) => [e.deployment.id, e.share, e.draining])).toEqual([
      ['a', 1, false],
      ['zero', 0, true],
      ['off', 0, true],
    ]);
  });
  it('a tier with nothing active is not primary; the next one is', () => {
    const tiers = trafficSplit([dep('off', 1, 0, false), dep('b', 1, 1)]);
    expect(tiers[0]).toMatchObject({ allDraining: true, primary: false });
    expect(tiers[1]).toMatchObject({ allDraining: false, primary: true });
  });
  it('empty group has no tiers', () => {
    expect(trafficSplit([])).toEqual([]);
  });
});

describe('percentages', () => {
  it('always adds up to 100', () => {
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([0.75, 0.25])).toEqual([75, 25]);
    const p = percentages([1 / 7, 2 / 7, 4 / 7]);
    expect(p.reduce((a, b) => a + b, 0)).toBe(100);
  });
  it('gives 0 to draining entries and to all-zero lists', () => {
    expect(percentages([1, 0])).toEqual([100, 0]);
    expect(percentages([0, 0])).toEqual([0, 0]);
  });
});
