import { useMemo } from 'react';
import { Decoration, Diff, Hunk, type ViewType } from 'react-diff-view';
import type { DiffFile } from './diff-files';
import { languageOf } from './syntax-language';
import { tokenizeHunks } from './syntax-highlighter';
import { useHighlighter } from './use-highlighter';

/** The hunks of one file, syntax-highlighted, with each hunk's @@ header. */
export function FileDiff({ file, viewType = 'unified' }: { file: DiffFile; viewType?: ViewType }) {
  const highlighter = useHighlighter();
  const language = languageOf(file.path);
  const tokens = useMemo(
    () => tokenizeHunks(file.data.hunks, language, highlighter),
    [file.data.hunks, language, highlighter],
  );
  if (file.binary) return <p className="diff-note">Binary file or a change of mode only; no text to show.</p>;
  return (
    <div className="diff-scroll">
      <Diff
        viewType={viewType}
        diffType={file.type}
        hunks={file.data.hunks}
        tokens={tokens}
        optimizeSelection={viewType === 'split'}
      >
        {(hunks) =>
          hunks.flatMap((hunk, i) => [
            <Decoration key={`d${i}`}>
              <span className="hunk-header">{hunk.content}</span>
            </Decoration>,
            <Hunk key={`h${i}`} hunk={hunk} />,
          ])
        }
      </Diff>
    </div>
  );
}

const TYPE_LABELS: Record<DiffFile['type'], string | null> = {
  add: 'added',
  delete: 'deleted',
  rename: 'renamed',
  copy: 'copied',
  modify: null,
};

/** A file's path, what happened to it and its +/− counts. */
export function FileTitle({ file }: { file: DiffFile }) {
  const label = TYPE_LABELS[file.type];
  return (
    <span className="file-title">
      <code className="file-path">
        {file.type === 'rename' ? `${file.oldPath} → ${file.path}` : file.path}
      </code>
      {label && <span className={`file-type file-type-${file.type}`}>{label}</span>}
      <span className="plus">+{file.additions}</span>
      <span className="minus">−{file.deletions}</span>
    </span>
  );
}
