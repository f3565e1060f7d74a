import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { isApiError } from './api/client';
import { ToastProvider } from './components/toast';
import { I18nProvider, type Lang } from './i18n';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (4xx) are answers, not glitches: do not retry them.
        retry: (count, err) => !(isApiError(err) && err.status >= 400 && err.status < 500) && count < 1,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
      mutations: { retry: false },
    },
  });
}

export function AppProviders({ children, lang, client }: { children: ReactNode; lang?: Lang; client?: QueryClient }) {
  const [qc] = useState(() => client ?? makeQueryClient());
  return (
    <I18nProvider initial={lang}>
      <QueryClientProvider client={qc}>
        <ToastProvider>{children}</ToastProvider>
      </QueryClientProvider>
    </I18nProvider>
  );
}
