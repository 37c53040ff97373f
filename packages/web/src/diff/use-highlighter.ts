import { useEffect, useState } from 'react';
import { loadedHighlighter, loadHighlighter, type Highlighter } from './syntax-highlighter';

/** The syntax highlighter, null until its code has loaded (diffs show plain until then). */
export function useHighlighter(): Highlighter | null {
  const [highlighter, setHighlighter] = useState(loadedHighlighter);
  useEffect(() => {
    if (highlighter) return;
    let live = true;
    loadHighlighter()
      .then((loaded) => {
        if (live) setHighlighter(loaded);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [highlighter]);
  return highlighter;
}
