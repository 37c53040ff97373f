import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { HELLO_DIFF } from '../testing/diff-fixtures';
import { DiffView } from './diff-view';

afterEach(cleanup);

describe('DiffView', () => {
  it('lists the changed files with +/− and renders their lines', async () => {
    render(<DiffView text={HELLO_DIFF} idPrefix="a0" />);
    const list = within(screen.getByRole('navigation', { name: 'Changed files' }));
    expect(list.getByText('hello.ts')).toBeTruthy();
    expect(list.getByText('added')).toBeTruthy();
    expect(list.getByText('hello.ts').closest('a')?.getAttribute('href')).toBe('#a0-file-0');
    expect(screen.getByText('2 files changed,', { exact: false })).toBeTruthy();
    // Highlighting splits lines into tokens; the line's text is still all there.
    expect(document.body.textContent).toContain("export const hello = 'world';");
    expect(screen.getByText('@@ -1,2 +1,2 @@')).toBeTruthy();

    await userEvent.setup().click(screen.getByRole('button', { name: 'Split' }));
    expect(screen.getByRole('button', { name: 'Split' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('says when there are no changes', () => {
    render(<DiffView text="" idPrefix="a0" />);
    expect(screen.getByText('No changes')).toBeTruthy();
  });
});
