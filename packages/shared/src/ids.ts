/**
 * Run ids: 26 characters of lower-case Crockford base32 (a ULID in lower case). Sortable by creation
 * time, and safe in a path, a git branch, a Kubernetes name and a label value.
 */
export const RUN_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{26}$/;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

/** A new run id for `now` (milliseconds); `random` returns bytes and is passed in for tests. */
export function newRunId(
  now: number,
  random: (size: number) => Uint8Array = (size) => crypto.getRandomValues(new Uint8Array(size)),
): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + rand;
}

/** The creation time encoded in a run id. */
export function runIdTime(id: string): number {
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + ALPHABET.indexOf(ch);
  return t;
}

export const AGENT_INDEX_PATTERN = /^(0|[1-9][0-9]{0,3})$/;

export function agentBranch(index: number): string {
  return `agent-${index}`;
}
