import { isFinalAgentStatus, type Agent, type Run } from '@fanout/shared';
import { useEffect, useMemo, useRef } from 'react';
import { DiffView } from '../diff/diff-view';
import { useAgentDiff } from '../diff/use-agent-diff';
import { ConnectionBanner } from '../live/connection-banner';
import { useRunStream } from '../live/use-run-stream';
import { Link } from '../router/link';
import { navigate } from '../router/navigation';
import { routeHref, type AgentTab } from '../router/routes';
import { AgentStats } from '../runs/agent-stats';
import { CheckSummary } from '../runs/check-result';
import { promptTitle } from '../runs/format';
import { useNow } from '../runs/use-now';
import { EmptyState, ErrorNotice, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/status-badge';
import { explainAgentError } from './agent-error';
import { toTranscriptItems } from './transcript-items';
import { TranscriptView } from './transcript-view';
import { useFollowScroll } from './use-follow-scroll';
import { useTranscript, type Transcript } from './use-transcript';

function AgentNav({ run, current }: { run: Run; current: number }) {
  if (run.agents.length < 2) return null;
  return (
    <nav className="agent-nav" aria-label="Agents of this run">
      {run.agents.map((agent) => (
        <Link
          key={agent.index}
          href={routeHref({ name: 'agent', runId: run.id, agent: agent.index, tab: 'transcript' })}
          aria-current={agent.index === current ? 'page' : undefined}
          className={`agent-pill agent-${agent.status}`}
        >
          {agent.branch}
        </Link>
      ))}
    </nav>
  );
}

function AgentErrorBox({ agent }: { agent: Agent }) {
  if (!agent.error || agent.status === 'succeeded') return null;
  const { summary, detail } = explainAgentError(agent.error);
  return (
    <div className={`notice ${agent.status === 'cancelled' ? 'notice-muted' : 'notice-error'}`} role="note">
      <strong>{agent.status === 'cancelled' ? 'Cancelled' : 'What went wrong'}</strong>
      <p>{summary}</p>
      {detail && (
        <pre className="error-detail" tabIndex={0}>
          {detail}
        </pre>
      )}
    </div>
  );
}

function TranscriptPanel({ agent, transcript }: { agent: Agent; transcript: Transcript }) {
  const items = useMemo(() => toTranscriptItems(transcript.entries), [transcript.entries]);
  const live = !isFinalAgentStatus(agent.status);
  const { following, follow } = useFollowScroll(items.length, live);
  if (transcript.loading && items.length === 0) return <Loading label="Loading transcript…" />;
  return (
    <>
      {transcript.error && (
        <ErrorNotice title="Could not load the transcript" message={transcript.error.message} />
      )}
      {items.length === 0 ? (
        <EmptyState title="Nothing yet">
          {agent.status === 'queued' || agent.status === 'starting'
            ? 'The agent has not started; its messages will appear here as they arrive.'
            : 'This agent wrote no messages.'}
        </EmptyState>
      ) : (
        <TranscriptView items={items} />
      )}
      {live && !following && (
        <button type="button" className="button follow-button" onClick={follow}>
          ↓ Follow new messages
        </button>
      )}
    </>
  );
}

function DiffPanel({ runId, agent }: { runId: string; agent: Agent }) {
  const diff = useAgentDiff(runId, agent.index, `${agent.status}/${agent.commit ?? ''}`);
  if (diff.text === null) {
    if (diff.error) return <ErrorNotice title="Could not load the diff" message={diff.error.message} />;
    return <Loading label="Loading diff…" />;
  }
  return (
    <>
      {!isFinalAgentStatus(agent.status) && (
        <p className="muted">The agent is still working; its diff grows as it commits.</p>
      )}
      <DiffView text={diff.text} idPrefix={`agent-${agent.index}`} />
    </>
  );
}

/** One agent: live transcript, its diff against main, and its error in plain words. */
export function AgentPage({ runId, agentIndex, tab }: { runId: string; agentIndex: number; tab: AgentTab }) {
  const transcriptRef = useRef<Transcript | null>(null);
  const stream = useRunStream(runId, {
    onMessage: (data) => transcriptRef.current?.addLive(data),
    onRestart: () => transcriptRef.current?.reload(),
  });
  // The file is read once the stream is open (live messages fill in after it), or when streaming fails.
  const { state, attempt } = stream.connection;
  const transcript = useTranscript(runId, agentIndex, state !== 'connecting' || attempt >= 3);
  useEffect(() => {
    transcriptRef.current = transcript;
  });
  const now = useNow(1000, stream.connection.state === 'live');

  const { run, error, connection } = stream;
  if (!run) {
    if (error)
      return (
        <ErrorNotice
          title={error.status === 404 ? 'No such run' : 'Could not load the run'}
          message={error.message}
        />
      );
    return <Loading label="Loading agent…" />;
  }
  const agent = run.agents.find((a) => a.index === agentIndex);
  if (!agent) return <ErrorNotice title="No such agent" message={`This run has no agent ${agentIndex}.`} />;

  const selectTab = (next: AgentTab) =>
    navigate(routeHref({ name: 'agent', runId, agent: agentIndex, tab: next }), { replace: true });

  return (
    <div className="agent-page">
      <header className="page-header">
        <Link className="back" href={routeHref({ name: 'run', runId })}>
          ← {promptTitle(run.prompt, 60) || 'Run'}
        </Link>
        <div className="title-row">
          <h1>{agent.branch}</h1>
          <StatusBadge status={agent.status} />
          {agent.model && <span className="muted">{agent.model}</span>}
        </div>
        {agent.status === 'running' && agent.activity && <p className="agent-now">{agent.activity}</p>}
        <AgentStats agent={agent} now={now} />
        <CheckSummary check={agent.check} command={run.check} />
      </header>
      <AgentNav run={run} current={agentIndex} />
      <ConnectionBanner connection={connection} />
      <AgentErrorBox agent={agent} />
      <div className="tabs" role="tablist" aria-label="Agent views">
        <button
          type="button"
          role="tab"
          id="tab-transcript"
          aria-selected={tab === 'transcript'}
          aria-controls="panel"
          onClick={() => selectTab('transcript')}
        >
          Transcript
        </button>
        <button
          type="button"
          role="tab"
          id="tab-diff"
          aria-selected={tab === 'diff'}
          aria-controls="panel"
          onClick={() => selectTab('diff')}
        >
          Diff
          {agent.diffStat && (
            <span className="tab-count">
              <span className="plus">+{agent.diffStat.insertions}</span>{' '}
              <span className="minus">−{agent.diffStat.deletions}</span>
            </span>
          )}
        </button>
      </div>
      <div role="tabpanel" id="panel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'transcript' ? (
          <TranscriptPanel agent={agent} transcript={transcript} />
        ) : (
          <DiffPanel runId={runId} agent={agent} />
        )}
      </div>
    </div>
  );
}
