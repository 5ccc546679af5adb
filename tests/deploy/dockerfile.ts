/**
 * What tests/deploy read from the Dockerfile, so they run exactly its steps outside Docker
 * (these machines have no container engine): the runtime stage's COPY --from=build lines, the
 * production install command, and the CMD.
 */
import fs from 'node:fs';

export interface RuntimeRecipe {
  /** Paths copied from the build stage into the runtime image (relative to the app directory). */
  copies: string[];
  /** The build stage's `npm ci --omit=dev …` command. */
  installCommand: string;
  /** The runtime CMD, as an argument list. */
  cmd: string[];
  /** The runtime stage's whole text (for structural checks). */
  runtimeStage: string;
  /** Number of stages. */
  stages: number;
}

/** Join `\`-continued lines and drop comments. */
function instructions(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function readDockerfile(file: string): RuntimeRecipe {
  const lines = instructions(fs.readFileSync(file, 'utf8'));
  const froms = lines.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const runtime = lines.slice(froms[froms.length - 1]);
  const copies = runtime
    .filter((l) => /^COPY\s+--from=build\s/i.test(l))
    .flatMap((l) => l.split(/\s+/).slice(2, -1))
    .map((p) => p.replace(/^\/app\//, ''));
  const install = lines.find((l) => /^RUN\s+npm ci --omit=dev/.test(l));
  const cmd = runtime.find((l) => /^CMD\s/.test(l));
  if (!install || !cmd) throw new Error('The Dockerfile lost its production install or its CMD');
  return { copies, installCommand: install.replace(/^RUN\s+/, ''), cmd: JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[], runtimeStage: runtime.join('\n'), stages: froms.length };
}
