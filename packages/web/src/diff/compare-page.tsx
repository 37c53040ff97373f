import type { Agent } from '@fanout/shared';
import { useId, useMemo } from 'react';
import { ConnectionBanner } from '../live/connection-banner';
import { useRunStream } from '../live/use-run-stream';
import { navigate } from '../router/navigation';
import { routeHref } from '../router/routes';
import { AgentStats } from '../runs/agent-stats';
import { RunHeader } from '../runs/run-header';
import { useNow } from '../runs/use-now';
import { ErrorNotice, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/status-badge';
import { parseDiffFiles, pairFiles, type DiffFile } from './diff-files';
import { FileDiff } from './file-diff';
import { useAgentDiff, type AgentDiff } from './use-agent-diff';

function diffVersion(agent: Agent | undefined): string {
  return agent ? `${agent.status}/${agent.commit ?? ''}` : '';
}

function AgentSelect({
  label,
  value,
  agents,
  onChange,
}: {
  label: string;
  value: number;
  agents: readonly Agent[];
  onChange: (index: number) => void;
}) {
  const id = useId();
  return (
    <span className="select-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {agents.map((agent) => (
          <option key={agent.index} value={agent.index}>
            {agent.branch}
          </option>
        ))}
      </select>
    </span>
  );
}

function Cell({ file, name, diff }: { file: DiffFile | null; name: string; diff: AgentDiff }) {
  return (
    <div className="compare-cell" data-agent-name={name}>
      <span className="compare-cell-tag">
        {name}
        {file && (
          <>
            {' '}
            <span className="plus">+{file.additions}</span> <span className="minus">−{file.deletions}</span>
          </>
        )}
      </span>
      {file ? (
        <FileDiff file={file} />
      ) : (
        <p className="diff-note">{diff.loading ? 'Loading…' : `Not changed by ${name}.`}</p>
      )}
    </div>
  );
}

/** Two agents' diffs side by side, lined up file by file. */
export function ComparePage({ runId, a, b }: { runId: string; a: number; b: number }) {
  const { run, error, connection } = useRunStream(runId);
  const agentA = run?.agents.find((x) => x.index === a);
  const agentB = run?.agents.find((x) => x.index === b);
  const diffA = useAgentDiff(runId, a, diffVersion(agentA));
  const diffB = useAgentDiff(runId, b, diffVersion(agentB));
  const now = useNow(1000, connection.state === 'live');
  const pairs = useMemo(
    () => pairFiles(parseDiffFiles(diffA.text ?? ''), parseDiffFiles(diffB.text ?? '')),
    [diffA.text, diffB.text],
  );

  if (!run) {
    if (error) return <ErrorNotice title="Could not load the run" message={error.message} />;
    return <Loading label="Loading run…" />;
  }
  const nameA = agentA?.branch ?? `agent-${a}`;
  const nameB = agentB?.branch ?? `agent-${b}`;
  const pick = (next: { a: number; b: number }) =>
    navigate(routeHref({ name: 'compare', runId, ...next }), { replace: true });
  const diffError = diffA.error ?? diffB.error;

  return (
    <div className="compare-page">
      <RunHeader run={run} backHref={routeHref({ name: 'run', runId })} backLabel="Back to the run" />
      <ConnectionBanner connection={connection} />
      <div className="compare-picker toolbar">
        <AgentSelect label="Left" value={a} agents={run.agents} onChange={(x) => pick({ a: x, b })} />
        <AgentSelect label="Right" value={b} agents={run.agents} onChange={(x) => pick({ a, b: x })} />
      </div>
      {diffError && <ErrorNotice title="Could not load a diff" message={diffError.message} />}
      <section className="compare-grid" aria-label={`${nameA} compared with ${nameB}`}>
        <div className="compare-row compare-heads">
          {[agentA, agentB].map((agent, i) => (
            <div className="compare-head" key={i}>
              <h2>
                {i === 0 ? nameA : nameB} {agent && <StatusBadge status={agent.status} />}
              </h2>
              {agent && <AgentStats agent={agent} now={now} />}
            </div>
          ))}
        </div>
        {!diffA.loading && !diffB.loading && pairs.length === 0 && (
          <p className="diff-note">Neither agent changed anything (yet).</p>
        )}
        {pairs.map((pair) => (
          <section className="compare-file" key={pair.path} aria-label={pair.path}>
            <h3 className="compare-path">
              <code className="file-path">{pair.path}</code>
              {pair.same && <span className="same-tag">same change in both</span>}
            </h3>
            <div className="compare-row">
              <Cell file={pair.a} name={nameA} diff={diffA} />
              <Cell file={pair.b} name={nameB} diff={diffB} />
            </div>
          </section>
        ))}
      </section>
    </div>
  );
}
