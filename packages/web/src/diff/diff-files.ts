import { parseDiff, type FileData } from 'react-diff-view';

/** One file of a unified diff with what the file list shows about it. */
export interface DiffFile {
  /** The file's path after the change (before it, for a deleted file). */
  path: string;
  oldPath: string;
  type: FileData['type'];
  additions: number;
  deletions: number;
  /** No hunks: a binary file or a change of mode only. */
  binary: boolean;
  data: FileData;
}

export function countChanges(file: FileData): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const hunk of file.hunks) {
    for (const change of hunk.changes) {
      if (change.type === 'insert') additions += 1;
      else if (change.type === 'delete') deletions += 1;
    }
  }
  return { additions, deletions };
}

/** Parses `git diff` output into files; an empty or whitespace-only diff has none. */
export function parseDiffFiles(text: string): DiffFile[] {
  if (text.trim() === '') return [];
  return parseDiff(text, { nearbySequences: 'zip' }).map((data) => ({
    path: data.type === 'delete' ? data.oldPath : data.newPath,
    oldPath: data.oldPath,
    type: data.type,
    ...countChanges(data),
    binary: data.hunks.length === 0,
    data,
  }));
}

export function diffTotals(files: readonly DiffFile[]): {
  files: number;
  additions: number;
  deletions: number;
} {
  return {
    files: files.length,
    additions: files.reduce((sum, f) => sum + f.additions, 0),
    deletions: files.reduce((sum, f) => sum + f.deletions, 0),
  };
}

/** A file's changes as text, to tell whether two agents made the very same change. */
function changeText(file: DiffFile): string {
  return file.data.hunks
    .map((h) => h.changes.map((c) => `${c.type[0]}${c.content}`).join('\n'))
    .join('\n@@\n');
}

export interface FilePair {
  path: string;
  a: DiffFile | null;
  b: DiffFile | null;
  /** Both agents changed the file in exactly the same way. */
  same: boolean;
}

/** Lines up two agents' files by path (sorted), for the side-by-side compare view. */
export function pairFiles(a: readonly DiffFile[], b: readonly DiffFile[]): FilePair[] {
  const byPathA = new Map(a.map((f) => [f.path, f]));
  const byPathB = new Map(b.map((f) => [f.path, f]));
  const paths = [...new Set([...byPathA.keys(), ...byPathB.keys()])].sort((x, y) => x.localeCompare(y));
  return paths.map((path) => {
    const fa = byPathA.get(path) ?? null;
    const fb = byPathB.get(path) ?? null;
    return { path, a: fa, b: fb, same: fa !== null && fb !== null && changeText(fa) === changeText(fb) };
  });
}
