import type { CheckResult } from '@fanout/shared';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckBadge, CheckSummary, checkFacts } from './check-result';

afterEach(cleanup);

const passed: CheckResult = {
  status: 'passed',
  exitCode: 0,
  durationMs: 1200,
  output: 'all 12 tests passed\n',
};
const failed: CheckResult = {
  status: 'failed',
  exitCode: 3,
  durationMs: 4000,
  output: 'FAIL src/a.test.ts\n',
};
const error: CheckResult = {
  status: 'error',
  exitCode: null,
  durationMs: 600_000,
  output: '',
  message: 'timed out after 600 s',
};

describe('CheckBadge', () => {
  it('names the outcome and carries it for styling', () => {
    for (const [check, label] of [
      [passed, 'check passed'],
      [failed, 'check failed'],
      [error, 'check error'],
    ] as const) {
      render(<CheckBadge check={check} />);
      const badge = screen.getByText(label);
      expect(badge.getAttribute('data-check')).toBe(check.status);
      expect(badge.className).toContain(`check-${check.status}`);
      cleanup();
    }
  });
});

describe('checkFacts', () => {
  it('gives the exit code and time, or why it did not finish', () => {
    expect(checkFacts(failed)).toMatch(/^exit 3 · 4/);
    expect(checkFacts(passed)).toMatch(/^exit 0 · /);
    expect(checkFacts(error)).toBe('timed out after 600 s');
  });
});

describe('CheckSummary', () => {
  it('shows nothing while there is no result', () => {
    const { container } = render(<CheckSummary check={null} command="npm test" />);
    expect(container.textContent).toBe('');
  });

  it('shows the badge, and the command and output folded until opened', async () => {
    render(<CheckSummary check={failed} command="npm test" />);
    const details = screen.getByText('check failed').closest('details')!;
    expect(details.open).toBe(false);
    expect(screen.getByText(/^exit 3/)).toBeTruthy();

    await userEvent.setup().click(screen.getByText('check failed'));
    expect(details.open).toBe(true);
    expect(screen.getByText('$ npm test')).toBeTruthy();
    expect(screen.getByLabelText('Check output (its last 8 KB)').textContent).toBe('FAIL src/a.test.ts\n');
  });

  it('says so when the check printed nothing', () => {
    render(<CheckSummary check={error} command={null} />);
    expect(screen.getByText('It printed nothing.')).toBeTruthy();
    expect(screen.getByText('timed out after 600 s')).toBeTruthy();
  });
});
