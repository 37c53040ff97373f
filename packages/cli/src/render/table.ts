import Table from 'cli-table3';
import type { Colors } from './colors.js';

const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

export type Align = 'left' | 'right';

/**
 * A plain, borderless table (like `docker ps`): a header row, then one row per item, columns separated by
 * two spaces, no trailing spaces. Cells may hold colour codes; widths are measured without them.
 */
export function renderTable(head: string[], rows: string[][], colors: Colors, align: Align[] = []): string {
  const table = new Table({
    head: head.map((h) => colors.bold(h)),
    chars: NO_BORDER,
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    wordWrap: false,
  });
  table.push(...rows);
  return table
    .toString()
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}
