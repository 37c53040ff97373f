import type { Colors } from './colors.js';

/** Colours a unified diff the way `git diff` does: headers bold, hunks cyan, additions green, removals red. */
export function colorDiff(diff: string, colors: Colors): string {
  return diff
    .split('\n')
    .map((line) => {
      if (
        /^(diff --git|index |--- |\+\+\+ |new file|deleted file|similarity|rename |old mode|new mode)/.test(
          line,
        )
      ) {
        return colors.bold(line);
      }
      if (line.startsWith('@@')) return colors.cyan(line);
      if (line.startsWith('+')) return colors.green(line);
      if (line.startsWith('-')) return colors.red(line);
      return line;
    })
    .join('\n');
}
