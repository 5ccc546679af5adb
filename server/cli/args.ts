/** Tiny argument parser for the backup tools: `--name value` and `--flag`. */
export function parseArgs(argv: readonly string[], flags: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') continue;
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}".`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (flags.includes(name)) out[name] = true;
    else if (inline !== undefined) out[name] = inline;
    else if (i + 1 < argv.length) out[name] = argv[++i];
    else throw new Error(`--${name} needs a value.`);
  }
  return out;
}
