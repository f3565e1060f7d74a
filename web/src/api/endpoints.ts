// Typed wrappers, one per call of API.md.
import { api, ApiError, apiBase, errorFromResponse, seg } from './client';
import type {
  ApplyResult, ClassifierConfig, ClassifierTestResult, Deployment, DeploymentInput, ActiveFiles,
  GenerateResult, Group,
  GroupInput, Health, ModelList, Provider, ProviderInput, ProviderModel, RoutingSettings, Status,
} from './types';

export const endpoints = {
  status: () => api.get<Status>('/api/status'),

  providers: () => api.get<{ providers: Provider[] }>('/api/providers').then((r) => r.providers ?? []),
  createProvider: (p: ProviderInput) => api.post<Provider>('/api/providers', p),
  updateProvider: (id: string, p: ProviderInput) => api.put<Provider>(`/api/providers/${seg(id)}`, p),
  deleteProvider: (id: string, cascade = false) => api.del(`/api/providers/${seg(id)}${cascade ? '?cascade=true' : ''}`),
  syncModels: (id: string) =>
    api.post<{ models: ProviderModel[]; added: number; removed: number }>(`/api/providers/${seg(id)}/sync-models`),
  providerModels: (id: string) => api.get<{ models: ProviderModel[] }>(`/api/providers/${seg(id)}/models`).then((r) => r.models ?? []),
  importModels: (id: string, models: string[]) =>
    api.post<{ models: ProviderModel[]; added: number }>(`/api/providers/${seg(id)}/models`, { models }),
  healthCheck: (id: string) => api.post<Health>(`/api/providers/${seg(id)}/health-check`),

  groups: () => api.get<{ groups: Group[] }>('/api/routing/groups').then((r) => r.groups ?? []),
  createGroup: (g: GroupInput) => api.post<Group>('/api/routing/groups', g),
  updateGroup: (name: string, g: GroupInput) => api.put<Group>(`/api/routing/groups/${seg(name)}`, g),
  deleteGroup: (name: string) => api.del(`/api/routing/groups/${seg(name)}`),
  createDeployment: (group: string, d: DeploymentInput) =>
    api.post<Deployment & { warnings?: unknown[] }>(`/api/routing/groups/${seg(group)}/deployments`, d),
  updateDeployment: (id: string, d: DeploymentInput) =>
    api.put<Deployment & { warnings?: unknown[] }>(`/api/routing/deployments/${seg(id)}`, d),
  deleteDeployment: (id: string) => api.del(`/api/routing/deployments/${seg(id)}`),

  settings: () => api.get<RoutingSettings>('/api/settings'),
  updateSettings: (s: Partial<RoutingSettings>) => api.put<RoutingSettings>('/api/settings', s),

  classifier: () => api.get<ClassifierConfig>('/api/classifier/config'),
  updateClassifier: (c: ClassifierConfig) => api.put<ClassifierConfig>('/api/classifier/config', c),
  testClassifier: (body: { text?: string; messages?: unknown[]; config?: ClassifierConfig }) =>
    api.post<ClassifierTestResult>('/api/classifier/test', body),

  generate: () => api.post<GenerateResult>('/api/generate'),
  activeFiles: () => api.get<ActiveFiles>('/api/generate/active'),
  apply: () => api.post<ApplyResult>('/api/apply'),
};

/** GET /v1/models with an optional router API key (not the admin token). */
export async function listModels(routerKey: string): Promise<ModelList> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (routerKey) headers.Authorization = `Bearer ${routerKey}`;
  let res: Response;
  try {
    res = await fetch(`${apiBase()}/v1/models`, { headers });
  } catch (e) {
    throw new ApiError(0, (e as Error)?.message || 'Network error', { type: 'network_error' });
  }
  if (!res.ok) throw await errorFromResponse(res);
  return (await res.json()) as ModelList;
}
