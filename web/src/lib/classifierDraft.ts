// The classifier page edits a draft whose list and number fields are the text the operator
// types; toConfig turns it into the API's ClassifierConfig (unknown fields of the loaded config
// are kept).
import type { ClassifierConfig, ClassifierMode, Rule, RuleScope } from '../api/types';

export interface RuleDraft {
  key: number;
  id: string;
  enabled: boolean;
  target_group: string;
  keywords_any: string;
  keywords_all: string;
  regex: string;
  min_chars: string;
  max_chars: string;
  scope: RuleScope;
  extra: Record<string, unknown>;
  matchExtra: Record<string, unknown>;
}

export interface LabelDraft {
  key: number;
  group: string;
  examples: string;
}

export interface Draft {
  mode: ClassifierMode;
  default_group: string;
  rules: RuleDraft[];
  type: 'embedded' | 'llm';
  threshold: string;
  labels: LabelDraft[];
  llm: { group: string; prompt: string; timeout_ms: string };
}

let nextKey = 1;
export const newKey = () => nextKey++;

const list = (xs: string[] | undefined | null) => (xs ?? []).join(', ');

export function parseTerms(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseExamples(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

function numOrNull(s: string): number | null {
  const v = s.trim();
  if (v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : (v as unknown as number); // the server names the bad field
}

export function ruleDraft(r: Rule): RuleDraft {
  const { id, enabled, target_group, match, ...extra } = r;
  const { keywords_any, keywords_all, regex, min_chars, max_chars, scope, ...matchExtra } = match ?? ({} as Rule['match']);
  return {
    key: newKey(),
    id,
    enabled: enabled ?? true,
    target_group: target_group ?? '',
    keywords_any: list(keywords_any),
    keywords_all: list(keywords_all),
    regex: regex ?? '',
    min_chars: min_chars != null ? String(min_chars) : '',
    max_chars: max_chars != null ? String(max_chars) : '',
    scope: scope ?? 'last_user',
    extra,
    matchExtra,
  };
}

export function emptyRule(existing: RuleDraft[], group: string): RuleDraft {
  let n = existing.length + 1;
  while (existing.some((r) => r.id === `rule-${n}`)) n++;
  return ruleDraft({
    id: `rule-${n}`,
    enabled: true,
    target_group: group,
    match: { keywords_any: [], keywords_all: [], regex: null, min_chars: null, max_chars: null, scope: 'last_user' },
  });
}

export function toDraft(c: ClassifierConfig): Draft {
  return {
    mode: c.mode ?? 'hybrid',
    default_group: c.default_group ?? '',
    rules: (c.rules ?? []).map(ruleDraft),
    type: c.classifier?.type ?? 'embedded',
    threshold: c.classifier?.threshold != null ? String(c.classifier.threshold) : '0.5',
    labels: (c.classifier?.labels ?? []).map((l) => ({ key: newKey(), group: l.group, examples: (l.examples ?? []).join('\n') })),
    llm: {
      group: c.classifier?.llm?.group ?? '',
      prompt: c.classifier?.llm?.prompt ?? '',
      timeout_ms: c.classifier?.llm?.timeout_ms != null ? String(c.classifier.llm.timeout_ms) : '',
    },
  };
}

export function toConfig(d: Draft, base?: ClassifierConfig): ClassifierConfig {
  const llm: Record<string, unknown> = { ...(base?.classifier?.llm ?? {}) };
  if (d.llm.group.trim()) llm.group = d.llm.group.trim();
  else delete llm.group;
  llm.prompt = d.llm.prompt;
  const tmo = numOrNull(d.llm.timeout_ms);
  if (tmo != null) llm.timeout_ms = tmo;
  else delete llm.timeout_ms;
  const hasLlm = Boolean(base?.classifier?.llm) || d.type === 'llm' || Object.keys(llm).some((k) => llm[k] !== '' && llm[k] != null);
  return {
    ...(base ?? {}),
    mode: d.mode,
    default_group: d.default_group,
    rules: d.rules.map((r) => ({
      ...r.extra,
      id: r.id.trim(),
      enabled: r.enabled,
      target_group: r.target_group,
      match: {
        ...r.matchExtra,
        keywords_any: parseTerms(r.keywords_any),
        keywords_all: parseTerms(r.keywords_all),
        regex: r.regex === '' ? null : r.regex,
        min_chars: numOrNull(r.min_chars),
        max_chars: numOrNull(r.max_chars),
        scope: r.scope,
      },
    })),
    classifier: {
      ...(base?.classifier ?? {}),
      type: d.type,
      threshold: numOrNull(d.threshold) ?? 0,
      labels: d.labels.filter((l) => l.group.trim()).map((l) => ({ group: l.group.trim(), examples: parseExamples(l.examples) })),
      ...(hasLlm ? { llm: llm as NonNullable<ClassifierConfig['classifier']['llm']> } : {}),
    },
  } as ClassifierConfig;
}

/** The param names the server may use for a rule's field (API errors name the field). */
export function ruleParams(i: number, field: string): string[] {
  return [`rules[${i}].match.${field}`, `rules[${i}].${field}`, `rules.${i}.match.${field}`, `rules.${i}.${field}`];
}
