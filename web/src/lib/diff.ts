import { diffLines } from 'diff';

export interface DiffRow {
  kind: 'add' | 'del' | 'ctx' | 'skip';
  text: string;
  oldNo?: number;
  newNo?: number;
  /** For 'skip': how many unchanged lines are folded. */
  skipped?: number;
}

/** A unified line diff with `context` unchanged lines around each change; the rest is folded. */
export function diffRows(before: string, after: string, context = 3): { rows: DiffRow[]; added: number; removed: number } {
  const parts = diffLines(before, after);
  const all: DiffRow[] = [];
  let o = 1;
  let n = 1;
  let added = 0;
  let removed = 0;
  for (const p of parts) {
    const lines = p.value.replace(/\n$/, '').split('\n');
    if (p.value === '') continue;
    for (const line of lines) {
      if (p.added) {
        all.push({ kind: 'add', text: line, newNo: n++ });
        added++;
      } else if (p.removed) {
        all.push({ kind: 'del', text: line, oldNo: o++ });
        removed++;
      } else {
        all.push({ kind: 'ctx', text: line, oldNo: o++, newNo: n++ });
      }
    }
  }
  const keep = new Array<boolean>(all.length).fill(false);
  all.forEach((r, i) => {
    if (r.kind !== 'ctx') for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) keep[j] = true;
  });
  const rows: DiffRow[] = [];
  let i = 0;
  while (i < all.length) {
    if (keep[i]) {
      rows.push(all[i++]);
      continue;
    }
    let j = i;
    while (j < all.length && !keep[j]) j++;
    rows.push({ kind: 'skip', text: '', skipped: j - i });
    i = j;
  }
  return { rows, added, removed };
}
