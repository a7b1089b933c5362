// Validation problems are data: every check returns these, formatters decide how they look.

export type Severity = 'error' | 'warning' | 'note';

export interface Problem {
  /** Stable, documented code such as `schema.unknown-key` or `ref.nas-target`. */
  code: string;
  severity: Severity;
  /** One line, no stack trace, safe to print (hostile input is quoted and truncated). */
  message: string;
  /** Path relative to the inventory root, with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted path to the offending node, e.g. `spec.retention.keepDaily` or `spec.sources.paths[0]`; '' for the whole file. */
  path: string;
}

export type PathSegment = string | number;

/** A problem with a whole file (unreadable, refused, not ours): line 1, column 1, no path inside it. */
export const fileProblem = (code: string, severity: Severity, message: string, file: string): Problem => ({
  code,
  severity,
  message,
  file,
  line: 1,
  col: 1,
  path: '',
});

/** `['spec', 'paths', 0]` → `spec.paths[0]`. */
export const formatPath = (segments: readonly PathSegment[]): string =>
  segments.reduce<string>((out, seg) => {
    if (typeof seg === 'number') return `${out}[${seg}]`;
    return /^[A-Za-z_$][\w$-]*$/.test(seg) ? (out ? `${out}.${seg}` : seg) : `${out}[${JSON.stringify(seg)}]`;
  }, '');

/** Quote untrusted text for a one-line message: control characters escaped, length capped. */
export const quote = (value: unknown, max = 60): string => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const oneLine = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return oneLine;
};

/** The first line of whatever was thrown (an Error's or error-like object's message, else its text): one-line reports. */
export const firstLineOf = (err: unknown): string => {
  const message = (err as { message?: unknown } | null | undefined)?.message;
  return (typeof message === 'string' ? message : String(err)).split('\n')[0] ?? '';
};

export const compareProblems = (a: Problem, b: Problem): number =>
  a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code);

export const hasErrors = (problems: readonly Problem[]): boolean =>
  problems.some((p) => p.severity === 'error');
