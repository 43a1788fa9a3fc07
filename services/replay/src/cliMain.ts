import { CliUsageError } from "./args.ts";
import { parseCut } from "./datasets/cutLabels.ts";

/**
 * The shape every command of this package shares: parse the arguments (a CliUsageError prints the message and
 * the usage, exit 2), run (its exit code), and any other error as one line naming the command (exit 1), never
 * a stack trace for a user's mistake.
 */
export function runCli<A>(name: string, usage: string, parse: (argv: readonly string[]) => A, run: (args: A) => Promise<number>): void {
  let args: A;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err;
    process.stderr.write(`${name}: ${err.message}\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  run(args).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}

/** Walks the arguments; `value()` takes the one after a flag, refusing a flag left without it. */
export function forEachArg(argv: readonly string[], visit: (arg: string, value: () => string) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    visit(arg, () => {
      const v = argv[++i];
      if (v === undefined) throw new CliUsageError(`${arg} needs a value`);
      return v;
    });
  }
}

/** A cut given to `flag`, or a usage error naming the flag. */
export function cutArg(flag: string, text: string): number {
  try {
    return parseCut(text);
  } catch (err) {
    throw new CliUsageError(`${flag}: ${(err as Error).message}`);
  }
}
