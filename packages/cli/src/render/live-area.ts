import type { OutputStream } from '../io.js';
import { truncateVisible } from './terminal-text.js';

/**
 * The escape sequence that replaces a frame of `previous` lines (just written, cursor below them) with
 * `lines`, each cut to `width` columns so that none wraps and the next redraw moves up the right amount.
 */
export function redrawSequence(previous: number, lines: readonly string[], width: number): string {
  const up = previous > 0 ? `\r\u001b[${previous}A` : '';
  const body = lines.map((line) => truncateVisible(line, Math.max(1, width - 1)) + '\n').join('');
  return `${up}\u001b[0J${body}`;
}

/** A block of lines at the bottom of a terminal, redrawn in place. */
export class LiveArea {
  private drawn = 0;

  constructor(private readonly out: OutputStream) {}

  render(lines: readonly string[]): void {
    // A pseudo-terminal may report 0 columns.
    const width = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
    this.out.write(redrawSequence(this.drawn, lines, width));
    this.drawn = lines.length;
  }

  /** Leaves the last frame on screen; later output goes below it. */
  done(): void {
    this.drawn = 0;
  }
}
