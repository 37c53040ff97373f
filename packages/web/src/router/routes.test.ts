import { describe, expect, it } from 'vitest';
import { RUN_ID } from '../testing/run-fixtures';
import { parseRoute, routeHref, type Route } from './routes';

describe('routes', () => {
  it('parses every screen and prints it back', () => {
    const routes: Route[] = [
      { name: 'runs' },
      { name: 'run', runId: RUN_ID },
      { name: 'agent', runId: RUN_ID, agent: 2, tab: 'transcript' },
      { name: 'agent', runId: RUN_ID, agent: 0, tab: 'diff' },
      { name: 'compare', runId: RUN_ID, a: 0, b: 3 },
    ];
    for (const route of routes) {
      const url = new URL(routeHref(route), 'http://x');
      expect(parseRoute(url.pathname, url.search)).toEqual(route);
    }
  });

  it('sends malformed ids and unknown paths to not-found', () => {
    expect(parseRoute('/runs/not-an-id').name).toBe('not-found');
    expect(parseRoute(`/runs/${RUN_ID}/agents/-1`).name).toBe('not-found');
    expect(parseRoute(`/runs/${RUN_ID}/agents/01`).name).toBe('not-found');
    expect(parseRoute('/nowhere').name).toBe('not-found');
  });

  it('accepts a trailing slash and defaults compare to the first two agents', () => {
    expect(parseRoute(`/runs/${RUN_ID}/`)).toEqual({ name: 'run', runId: RUN_ID });
    expect(parseRoute(`/runs/${RUN_ID}/compare`)).toEqual({ name: 'compare', runId: RUN_ID, a: 0, b: 1 });
  });
});
