import { useMemo, useState } from 'react';
import type { ViewType } from 'react-diff-view';
import { EmptyState } from '../ui/feedback';
import { diffTotals, parseDiffFiles } from './diff-files';
import { FileDiff, FileTitle } from './file-diff';

/** Files with more changed lines than this start folded. */
const FOLD_ABOVE_CHANGES = 800;

/** An agent's whole diff: the list of changed files with +/−, then each file's hunks. */
export function DiffView({ text, idPrefix }: { text: string; idPrefix: string }) {
  const files = useMemo(() => parseDiffFiles(text), [text]);
  const [viewType, setViewType] = useState<ViewType>('unified');
  if (files.length === 0) {
    return <EmptyState title="No changes">This agent's branch has no changes against main (yet).</EmptyState>;
  }
  const totals = diffTotals(files);
  return (
    <div className="diff-view">
      <div className="diff-toolbar">
        <p className="diff-totals">
          {totals.files} file{totals.files === 1 ? '' : 's'} changed,{' '}
          <span className="plus">+{totals.additions}</span> <span className="minus">−{totals.deletions}</span>
        </p>
        <div className="segmented" role="group" aria-label="Diff layout">
          {(['unified', 'split'] as const).map((type) => (
            <button
              key={type}
              type="button"
              className="button button-small"
              aria-pressed={viewType === type}
              onClick={() => setViewType(type)}
            >
              {type === 'unified' ? 'Unified' : 'Split'}
            </button>
          ))}
        </div>
      </div>
      <nav aria-label="Changed files" className="file-list">
        <ul>
          {files.map((file, i) => (
            <li key={file.path}>
              <a href={`#${idPrefix}-file-${i}`}>
                <FileTitle file={file} />
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {files.map((file, i) => (
        <details
          key={file.path}
          className="diff-file card"
          id={`${idPrefix}-file-${i}`}
          open={file.additions + file.deletions <= FOLD_ABOVE_CHANGES}
        >
          <summary>
            <FileTitle file={file} />
          </summary>
          <FileDiff file={file} viewType={viewType} />
        </details>
      ))}
    </div>
  );
}
