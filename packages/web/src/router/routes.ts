import { isRunId } from '@fanout/shared';

/** Every screen of the app, parsed from and printed to a URL path. */
export type Route =
  | { name: 'runs' }
  | { name: 'run'; runId: string }
  | { name: 'agent'; runId: string; agent: number; tab: AgentTab }
  | { name: 'compare'; runId: string; a: number; b: number }
  | { name: 'not-found'; path: string };

export type AgentTab = 'transcript' | 'diff';

function agentIndex(text: string | null | undefined): number | null {
  if (text === null || text === undefined || !/^(0|[1-9][0-9]{0,3})$/.test(text)) return null;
  return Number(text);
}

export function parseRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const params = new URLSearchParams(search);
  if (path === '/' || path === '/runs') return { name: 'runs' };
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const [section, runId, sub, index] = parts;
  if (section !== 'runs' || runId === undefined || !isRunId(runId)) return { name: 'not-found', path };
  if (parts.length === 2) return { name: 'run', runId };
  if (sub === 'agents' && parts.length === 4) {
    const agent = agentIndex(index);
    if (agent !== null) {
      return { name: 'agent', runId, agent, tab: params.get('tab') === 'diff' ? 'diff' : 'transcript' };
    }
  }
  if (sub === 'compare' && parts.length === 3) {
    return {
      name: 'compare',
      runId,
      a: agentIndex(params.get('a')) ?? 0,
      b: agentIndex(params.get('b')) ?? 1,
    };
  }
  return { name: 'not-found', path };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'runs':
      return '/';
    case 'run':
      return `/runs/${route.runId}`;
    case 'agent':
      return `/runs/${route.runId}/agents/${route.agent}${route.tab === 'diff' ? '?tab=diff' : ''}`;
    case 'compare':
      return `/runs/${route.runId}/compare?a=${route.a}&b=${route.b}`;
    case 'not-found':
      return route.path;
  }
}
