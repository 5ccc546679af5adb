import { getContext, setContext } from 'svelte';
import type { WorkspaceSession } from './workspace.svelte';

const KEY = Symbol('mutual-workspace');

/** Provide the open workspace to the pages below a layout. */
export function setWorkspace(get: () => WorkspaceSession | null): void {
  setContext(KEY, get);
}

/** The open workspace (null while loading or when this device hasn't joined it). */
export function useWorkspace(): () => WorkspaceSession | null {
  return getContext<() => WorkspaceSession | null>(KEY);
}
