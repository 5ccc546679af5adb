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

/** How long a CLI may stay alive after its result before the watchdog ends it. */
const EXIT_WATCHDOG_MS = 10_000;
/** What the watchdog prints; the CLI exit test fails when it sees it. */
export const HANDLES_LEFT_OPEN = 'exiting with handles still open';

/**
 * Call once a CLI printed its result: it exits with `code` as soon as nothing is left to
 * do. Should a leaked socket or timer keep it alive (the relay fuzz once hung for ever that
 * way), an unref'd watchdog names what is open and exits anyway, so unattended runs never
 * hang; the watchdog itself keeps nothing alive.
 */
export function exitWhenDone(code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    console.error(`${HANDLES_LEFT_OPEN}: ${process.getActiveResourcesInfo().join(', ')}`);
    process.exit(code);
  }, EXIT_WATCHDOG_MS).unref();
}
