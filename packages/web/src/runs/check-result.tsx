import type { CheckResult, CheckStatus } from '@fanout/shared';
import { formatDuration } from './format';

const LABELS: Record<CheckStatus, string> = {
  passed: 'check passed',
  failed: 'check failed',
  error: 'check error',
};

/** The outcome of an agent's check as a coloured label: passed, failed or error. */
export function CheckBadge({ check }: { check: CheckResult }) {
  return (
    <span className={`status check-${check.status}`} data-check={check.status}>
      <span className="status-dot" aria-hidden="true" />
      {LABELS[check.status]}
    </span>
  );
}

/** Exit code and time of a check, or why it did not finish: "exit 1 · 3s", "timed out after 600 s". */
export function checkFacts(check: CheckResult): string {
  const time = formatDuration(check.durationMs);
  if (check.status === 'error') return check.message ?? 'did not finish';
  if (check.exitCode === null) return [check.message, time].filter(Boolean).join(' · ');
  return `exit ${check.exitCode} · ${time}`;
}

/**
 * An agent's check once it has a result: the badge with its exit code and time, and, folded until asked
 * for, the command and the end of what it printed. Nothing while there is no result.
 */
export function CheckSummary({ check, command }: { check: CheckResult | null; command: string | null }) {
  if (!check) return null;
  return (
    <details className="check-result">
      <summary>
        <CheckBadge check={check} /> <span className="muted">{checkFacts(check)}</span>
      </summary>
      {command && (
        <p className="check-command">
          <code>$ {command}</code>
        </p>
      )}
      {check.output ? (
        <pre className="check-output" tabIndex={0} aria-label="Check output (its last 8 KB)">
          {check.output}
        </pre>
      ) : (
        <p className="muted">It printed nothing.</p>
      )}
    </details>
  );
}
