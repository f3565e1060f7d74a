import type { Status } from '../api/types';

/** Reads GET /api/status whatever its exact field names (API.md names the facts only). */
export function statusFacts(s: Status | undefined): { version: string | null; differs: boolean; uptimeS: number | null; counts: Record<string, number> } {
  if (!s) return { version: null, differs: false, uptimeS: null, counts: {} };
  const rawVersion = s.active_version ?? (typeof s.active === 'object' && s.active ? (s.active as { version?: string }).version : undefined) ?? s.version ?? null;
  const version = typeof rawVersion === 'string' && rawVersion ? rawVersion : null;
  const differs = Boolean(s.draft_differs ?? s.dirty ?? s.pending_changes ?? s.differs ?? s.draft_changed ?? false);
  const up = s.uptime_s ?? s.uptime_seconds ?? (typeof s.uptime === 'number' ? s.uptime : null);
  const counts: Record<string, number> = {};
  if (s.counts && typeof s.counts === 'object') {
    for (const [k, v] of Object.entries(s.counts)) if (typeof v === 'number') counts[k] = v;
  }
  return { version, differs, uptimeS: typeof up === 'number' ? up : null, counts };
}
