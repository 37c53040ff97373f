import type { Agent } from '@fanout/shared';
import { useId, useState, type FormEvent } from 'react';
import { navigate } from '../router/navigation';
import { routeHref } from '../router/routes';

/** Picks two agents of a run and opens their diffs side by side. */
export function ComparePicker({ runId, agents }: { runId: string; agents: readonly Agent[] }) {
  const id = useId();
  const [a, setA] = useState(0);
  const [b, setB] = useState(Math.min(1, agents.length - 1));
  if (agents.length < 2) return null;

  function open(event: FormEvent) {
    event.preventDefault();
    navigate(routeHref({ name: 'compare', runId, a, b }));
  }

  return (
    <form className="compare-picker" onSubmit={open} aria-label="Compare two agents">
      <label htmlFor={`${id}-a`}>Compare</label>
      <select
        id={`${id}-a`}
        value={a}
        onChange={(e) => setA(Number(e.target.value))}
        aria-label="First agent"
      >
        {agents.map((agent) => (
          <option key={agent.index} value={agent.index}>
            {agent.branch}
          </option>
        ))}
      </select>
      <span aria-hidden="true">with</span>
      <select
        id={`${id}-b`}
        value={b}
        onChange={(e) => setB(Number(e.target.value))}
        aria-label="Second agent"
      >
        {agents.map((agent) => (
          <option key={agent.index} value={agent.index}>
            {agent.branch}
          </option>
        ))}
      </select>
      <button type="submit" className="button">
        Compare diffs
      </button>
    </form>
  );
}
