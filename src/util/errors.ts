/**
 * Typed, known errors. Each prints as one line (no stack) and maps to an exit code:
 * 2 for usage/config/target/rubric problems the user can fix, 3 for internal failures.
 * Idea from STYLE.md convention 7 (knip `src/util/errors.ts`).
 */
export class PlumblineError extends Error {
  /** Process exit code the CLI uses for this error (2 = user-fixable, 3 = internal). */
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad command-line usage: unknown format, invalid number, conflicting flags. */
export class UsageError extends PlumblineError {}
/** The scan target does not exist, is not a directory, or cannot be read. */
export class TargetError extends PlumblineError {}
/** A rubric file is missing, not YAML, or fails the rubric schema (message names the path). */
export class RubricError extends PlumblineError {}
/** A config or input file (report, baseline) is invalid. */
export class ConfigError extends PlumblineError {}
/** A bug or an environment failure inside plumbline. */
export class InternalError extends PlumblineError {
  override readonly exitCode = 3;
}

/**
 * Turns zod issues into one line each: `<file>: <path>: <message>`.
 * @param file the file the data came from (shown first on every line)
 * @param issues zod's `error.issues`
 */
export function formatZodIssues(
  file: string,
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string {
  return issues
    .slice(0, 10)
    .map((i) => `${file}: ${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('\n');
}

/**
 * An error as the lines a user reads: a known error's message, each line prefixed
 * `plumbline: `; anything else as `plumbline: internal error: <first line>` (never a stack).
 */
export function errorText(err: unknown): string {
  if (err instanceof PlumblineError) return `plumbline: ${err.message.split('\n').join('\nplumbline: ')}`;
  const msg = err instanceof Error ? err.message : String(err);
  return `plumbline: internal error: ${msg.split('\n')[0]}`;
}
