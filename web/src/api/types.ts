// Shapes of the sparouter HTTP contract (shared/API.md). Only what the console reads is typed
// strictly; unknown extra fields are tolerated.

export type ProviderKind = 'openai' | 'openai_compatible' | 'azure' | 'anthropic' | 'gemini' | 'ollama';
export const PROVIDER_KINDS: ProviderKind[] = ['openai', 'openai_compatible', 'azure', 'anthropic', 'gemini', 'ollama'];

export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy';

export interface Health {
  status: HealthStatus;
  latency_ms?: number | null;
  checked_at?: string | null;
  http_status?: number | null;
  error?: string | null;
}

export interface ProviderModel {
  id: string;
  source?: string;
}

export interface Provider {
  id: string;
  name: string;
  kind: ProviderKind;
  base_url: string;
  api_version?: string | null;
  has_api_key: boolean;
  api_key_masked?: string | null;
  enabled: boolean;
  models: ProviderModel[];
  health?: Health | null;
  created_at?: string;
  updated_at?: string;
}

export interface ProviderInput {
  id?: string;
  name?: string;
  kind?: ProviderKind;
  base_url?: string;
  api_key?: string;
  api_version?: string | null;
  enabled?: boolean;
  models?: string[];
}

export interface Deployment {
  id: string;
  group: string;
  provider_id: string;
  model: string;
  weight: number;
  priority: number;
  enabled: boolean;
  timeout_ms?: number | null;
}

export interface DeploymentInput {
  provider_id?: string;
  model?: string;
  weight?: number;
  priority?: number;
  enabled?: boolean;
  timeout_ms?: number | null;
}

export interface Group {
  name: string;
  description?: string;
  fallbacks: string[];
  deployments: Deployment[];
}

export interface GroupInput {
  name?: string;
  description?: string;
  fallbacks?: string[];
}

export type ClassifierMode = 'rules_only' | 'classifier_only' | 'hybrid';
export const CLASSIFIER_MODES: ClassifierMode[] = ['rules_only', 'classifier_only', 'hybrid'];
export type RuleScope = 'last_user' | 'all_user' | 'all';
export const RULE_SCOPES: RuleScope[] = ['last_user', 'all_user', 'all'];

export interface RuleMatch {
  keywords_any: string[];
  keywords_all: string[];
  regex: string | null;
  min_chars: number | null;
  max_chars: number | null;
  scope: RuleScope;
}

export interface Rule {
  id: string;
  enabled: boolean;
  target_group: string;
  match: RuleMatch;
}

export interface LabelSet {
  group: string;
  examples: string[];
}

export interface ClassifierConfig {
  mode: ClassifierMode;
  default_group: string;
  rules: Rule[];
  classifier: {
    type: 'embedded' | 'llm';
    threshold: number;
    labels: LabelSet[];
    llm?: { group?: string; prompt?: string; timeout_ms?: number } | null;
  };
}

export interface ClassifierTestResult {
  group: string;
  source: 'rule' | 'classifier' | 'default' | string;
  rule_id?: string | null;
  matched?: string[] | null;
  confidence?: number | null;
  scores?: Record<string, number> | null;
  latency_us?: number;
}

export const GENERATED_FILES = ['litellm/config.yaml', 'router/rules.json', 'router/settings.json'] as const;

/** GET /api/generate/active: the files CONFIG_DIR/current holds (version null before any apply). */
export interface ActiveFiles {
  version: string | null;
  files: Record<string, string>;
}

export interface GenerateResult {
  version: string;
  files: Record<string, string>;
  warnings: unknown[];
}

export interface ApplyResult {
  version: string;
  applied_at: string;
  files: string[];
}

export type UpstreamMode = 'direct' | 'litellm';

export interface RoutingSettings {
  allowed_fails: number;
  /** Not in API.md; the reference server has it (the window of allowed_fails, default 60). */
  allowed_fails_window_s?: number;
  cooldown_s: number;
  num_retries: number;
  timeout_ms: number;
  auto_models: string[];
  upstream_mode?: UpstreamMode;
  litellm_base_url?: string | null;
}

// GET /api/status: API.md names the facts, not the field names; the console reads whichever
// of these it finds.
export interface Status {
  active_version?: string | null;
  version?: string | null;
  draft_differs?: boolean;
  dirty?: boolean;
  pending_changes?: boolean;
  uptime_s?: number;
  uptime_seconds?: number;
  counts?: Record<string, number>;
  applied_at?: string | null;
  [k: string]: unknown;
}

export interface ModelList {
  object?: string;
  data: { id: string; object?: string; owned_by?: string }[];
}
