import type { Run } from '@fanout/shared';
import { useServerConfig } from '../api/use-server-config';
import { CopyButton } from '../ui/copy-button';
import { gitCommands } from './git-commands';

/** The plain git commands that inspect this run's branches from the host, ready to copy. */
export function GitCommandsBox({ run }: { run: Run }) {
  const { storage } = useServerConfig();
  const text = gitCommands(run, storage ?? undefined).join('\n');
  return (
    <section className="card git-commands" aria-labelledby="git-title">
      <header className="card-header">
        <h2 id="git-title">Inspect with git</h2>
        <CopyButton text={text} label="Copy commands" />
      </header>
      <pre tabIndex={0} aria-label="git commands">
        <code>{text}</code>
      </pre>
      <p className="hint">
        Each agent works on its own branch (agent-0, agent-1, …); main is where they all started, until an
        agent is merged into it.
        {!storage && ' The path assumes the default storage folder (FANOUT_STORAGE).'}
      </p>
    </section>
  );
}
