import type { Run } from '@fanout/shared';
import { AgentPage } from './agents/agent-page';
import { useUnauthorized } from './api/api-token';
import { TokenPrompt } from './api/token-prompt';
import { ComparePage } from './diff/compare-page';
import { Link } from './router/link';
import { useLocation } from './router/navigation';
import { parseRoute, type Route } from './router/routes';
import { RunPage } from './runs/run-page';
import { RunsPage } from './runs/runs-page';
import { EmptyState } from './ui/feedback';

function runFromState(state: unknown, runId: string): Run | null {
  if (typeof state !== 'object' || state === null || !('run' in state)) return null;
  const run = (state as { run: Run }).run;
  return run.id === runId ? run : null;
}

function Screen({ route, state }: { route: Route; state: unknown }) {
  switch (route.name) {
    case 'runs':
      return <RunsPage />;
    case 'run':
      return <RunPage key={route.runId} runId={route.runId} initialRun={runFromState(state, route.runId)} />;
    case 'agent':
      return (
        <AgentPage
          key={`${route.runId}/${route.agent}`}
          runId={route.runId}
          agentIndex={route.agent}
          tab={route.tab}
        />
      );
    case 'compare':
      return <ComparePage key={route.runId} runId={route.runId} a={route.a} b={route.b} />;
    case 'not-found':
      return (
        <EmptyState title="Nothing here">
          There is no page at {route.path}. <Link href="/">See all runs</Link>.
        </EmptyState>
      );
  }
}

/** The app's frame: a header, and the screen the URL names. */
export function App() {
  const location = useLocation();
  const route = parseRoute(location.pathname, location.search);
  const unauthorized = useUnauthorized();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link href="/" className="brand" aria-label="fanout: all runs">
          <svg className="brand-mark" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              d="M12 3v7M12 10L5 20M12 10l7 10M12 10v10"
              fill="none"
              stroke="currentColor"
              strokeWidth="2.4"
              strokeLinecap="round"
            />
          </svg>
          fanout
        </Link>
        <span className="tagline">one prompt, N agents, one branch each</span>
      </header>
      <main id="main" tabIndex={-1}>
        {unauthorized ? <TokenPrompt /> : <Screen route={route} state={location.state} />}
      </main>
    </>
  );
}
