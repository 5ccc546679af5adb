/**
 * The seeded test CLIs (`test:fuzz`, `test:chaos`, `test:fuzz-relay`) read whole-number
 * options the same way: `--name N`, a default when absent, exit 2 with a plain message when
 * the value is not a whole number.
 */
export function wholeNumberArg(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} needs a whole number`);
    process.exit(2);
  }
  return value;
}
