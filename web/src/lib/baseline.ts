// The files of the active configuration, to diff a new preview against. The server's API.md
// has no call that returns the files of the active version, so the console keeps them itself:
// on a successful apply it stores the generated files in localStorage under the applied
// version, and later looks them up by the active version that GET /api/status reports. A
// browser that never applied this version has "no baseline". (A server call that returns the
// active files, e.g. GET /api/generate/active, would close that gap; the console does not probe
// for one, so that no 404 lands in the browser console.)

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
