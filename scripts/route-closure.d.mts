/** A chunk of the client build, as scripts/module-map.mjs records it. */
export interface Chunk {
  file: string;
  isEntry: boolean;
  /** The module this file is the entry of (a route node's file may only re-export a shared chunk). */
  facade?: string | null;
  imports: string[];
  dynamicImports: string[];
  /** Module id → its rendered length (raw bytes before minifying). */
  modules: Record<string, number>;
  exports?: Record<string, string[]>;
}
export interface ModuleMap {
  chunks: Chunk[];
  imports?: Record<string, string[]>;
}
export const DOCUMENT_ROUTE: string[];
export const HOME_ROUTE: string[];
export const WORKSPACE_ROUTE: string[];
export const VIEW_MODULES: { proposal: string; task: string; need: string; agenda: string };
export function readModuleMap(buildDir?: string): ModuleMap;
export function routeClosure(map: ModuleMap, extraModules?: string[], route?: string[]): Chunk[];
export function whyIncluded(map: ModuleMap, target: string, route?: string[]): string[] | null;
export function closureModules(chunks: Chunk[]): string[];
export function origin(id: string): string;
export function measure(chunks: Chunk[], buildDir?: string): { gzipKb: number; chunks: number; modules: Map<string, number> };
