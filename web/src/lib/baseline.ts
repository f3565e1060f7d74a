// The files of the active configuration, to diff a new preview against, as this browser kept
// them: on a successful apply it stores the generated files in localStorage under the applied
// version. The Generate page asks the server first (GET /api/generate/active, the files of
// CONFIG_DIR/current) and falls back to this copy only when the server has none for the active
// version (an older server).

const PREFIX = 'sparouter.applied.';
const INDEX = 'sparouter.applied.index';
const KEEP = 5;

export interface Baseline {
  version: string;
  files: Record<string, string>;
  saved_at: string;
}

export function saveBaseline(version: string, files: Record<string, string>): void {
  try {
    const entry: Baseline = { version, files, saved_at: new Date().toISOString() };
    localStorage.setItem(PREFIX + version, JSON.stringify(entry));
    const index = readIndex().filter((v) => v !== version);
    index.unshift(version);
    for (const old of index.slice(KEEP)) localStorage.removeItem(PREFIX + old);
    localStorage.setItem(INDEX, JSON.stringify(index.slice(0, KEEP)));
  } catch {
    /* storage full or disabled: the next diff says "no baseline" */
  }
}

export function loadBaseline(version: string | null | undefined): Baseline | null {
  if (!version) return null;
  try {
    const raw = localStorage.getItem(PREFIX + version);
    if (!raw) return null;
    const b = JSON.parse(raw) as Baseline;
    return b && typeof b.files === 'object' ? b : null;
  } catch {
    return null;
  }
}

function readIndex(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(INDEX) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
