import type { HunkData, HunkTokens } from 'react-diff-view';
import { markEdits, tokenize } from 'react-diff-view';

/** What react-diff-view's tokenizer needs: prism tokens as an array of nodes. */
export interface Highlighter {
  highlight: (text: string, language: string) => unknown;
  registered: (language: string) => boolean;
}

let loading: Promise<Highlighter> | null = null;
let loaded: Highlighter | null = null;

/** The highlighter if it has loaded already, so later diffs render highlighted at once. */
export function loadedHighlighter(): Highlighter | null {
  return loaded;
}

/** Loads refractor (prism) once, on the first diff shown, so the first screen stays small. */
export function loadHighlighter(): Promise<Highlighter> {
  loading ??= Promise.all([import('refractor'), import('refractor/tsx'), import('refractor/jsx')]).then(
    ([{ refractor }, tsx, jsx]) => {
      refractor.register(jsx.default);
      refractor.register(tsx.default);
      loaded = {
        // refractor 4+ returns a root node; react-diff-view expects the root's children.
        highlight: (text, language) => refractor.highlight(text, language).children,
        registered: (language) => refractor.registered(language),
      };
      return loaded;
    },
  );
  return loading;
}

/** Beyond this many changed lines a file is shown without highlighting, to keep the page quick. */
export const MAX_HIGHLIGHTED_CHANGES = 4000;

/** Tokens for a file's hunks: syntax colours when the language is known, and inline edits always. */
export function tokenizeHunks(
  hunks: HunkData[],
  language: string | null,
  highlighter: Highlighter | null,
): HunkTokens | null {
  const changes = hunks.reduce((sum, h) => sum + h.changes.length, 0);
  if (changes === 0 || changes > MAX_HIGHLIGHTED_CHANGES) return null;
  const enhancers = [markEdits(hunks, { type: 'block' })];
  try {
    if (highlighter && language && highlighter.registered(language)) {
      const refractor = { highlight: highlighter.highlight };
      return tokenize(hunks, { highlight: true, refractor, language, enhancers });
    }
    return tokenize(hunks, { enhancers });
  } catch {
    // A grammar that chokes on partial code: show the hunks plain rather than not at all.
    return null;
  }
}
