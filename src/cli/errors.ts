// How the nabla command reports failure: one line on stderr, "nabla: <what went wrong>", and a
// non-zero exit code; never a stack trace (set NABLA_DEBUG=1 to see one).

/** A mistake in what the user typed: shown as is, without "error" decoration. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Writes the one-line report for an error thrown while running a command and sets the exit code. */
export function reportError(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  process.stderr.write(`nabla: ${oneLine(message)}\n`);
  if (process.env.NABLA_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}

/** Joins a multi-line message into one line. */
export function oneLine(message: string): string {
  return message
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean)
    .join(" ");
}
