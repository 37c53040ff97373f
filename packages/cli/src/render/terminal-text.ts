// Matches the escape sequences picocolors and the live area write (CSI ... letter).
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Width in terminal columns, counting each code point as one (good enough for what fanout prints). */
export function visibleWidth(text: string): number {
  return [...stripAnsi(text)].length;
}

/** Cuts `text` to at most `width` visible columns, keeping colour codes and ending with `…` when cut. */
export function truncateVisible(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  let index = 0;
  const budget = width - 1;
  while (index < text.length) {
    ANSI.lastIndex = index;
    const match = ANSI.exec(text);
    if (match && match.index === index) {
      out += match[0];
      index += match[0].length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(index)!);
    if (used >= budget) break;
    out += char;
    used++;
    index += char.length;
  }
  const hasColor = out !== stripAnsi(out);
  return `${out}…${hasColor ? '\u001b[0m' : ''}`;
}
