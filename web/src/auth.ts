import { useSyncExternalStore } from 'react';
import { getToken, onTokenChange } from './api/client';

/** The admin token of this tab (sessionStorage), re-rendering on sign-in, sign-out and 401. */
export function useToken(): string | null {
  return useSyncExternalStore(onTokenChange, getToken, () => null);
}
