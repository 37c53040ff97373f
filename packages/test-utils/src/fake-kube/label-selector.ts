/** Kubernetes label selectors (`a=b,c!=d,e,!f,g in (x,y),h notin (z)`), parsed into a predicate. */
export type LabelPredicate = (labels: Record<string, string> | undefined) => boolean;

export function parseLabelSelector(text: string | null | undefined): LabelPredicate {
  const source = (text ?? '').trim();
  if (!source) return () => true;
  const tests = splitTerms(source).map(parseTerm);
  return (labels) => tests.every((test) => test(labels ?? {}));
}

function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      terms.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  terms.push(text.slice(start).trim());
  return terms.filter(Boolean);
}

function parseTerm(term: string): (labels: Record<string, string>) => boolean {
  let match = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (match) {
    const [, key = '', op, list = ''] = match;
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (labels) => key in labels && values.has(labels[key] ?? '')
      : (labels) => !(key in labels) || !values.has(labels[key] ?? '');
  }
  match = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s]*)$/.exec(term);
  if (match) {
    const [, key = '', op, value = ''] = match;
    return op === '!=' ? (labels) => labels[key] !== value : (labels) => labels[key] === value;
  }
  match = /^(!?)([^\s!=()]+)$/.exec(term);
  if (match) {
    const [, not, key = ''] = match;
    return not ? (labels) => !(key in labels) : (labels) => key in labels;
  }
  throw new Error(`invalid label selector term ${JSON.stringify(term)}`);
}
