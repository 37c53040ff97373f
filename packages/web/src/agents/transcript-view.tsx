import { formatCost, formatDuration } from '../runs/format';
import { toolInputFields, type TranscriptItem } from './transcript-items';

function firstLine(text: string, max = 140): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function lineCount(text: string): string {
  const n = text === '' ? 0 : text.split('\n').length;
  return `${n} line${n === 1 ? '' : 's'}`;
}

function Item({ item }: { item: TranscriptItem }) {
  switch (item.kind) {
    case 'init':
      return (
        <li className="t-item t-system">
          Session started{item.model ? ` · ${item.model}` : ''} · {item.tools} tools
          {item.mcpServers.length > 0 &&
            ` · MCP: ${item.mcpServers.map((s) => `${s.name} (${s.status})`).join(', ')}`}
        </li>
      );
    case 'text':
      return (
        <li className="t-item t-text">
          <span className="t-role">Claude</span>
          <div className="t-body">{item.text}</div>
        </li>
      );
    case 'user':
      return (
        <li className="t-item t-text t-user">
          <span className="t-role">User</span>
          <div className="t-body">{item.text}</div>
        </li>
      );
    case 'thinking':
      return (
        <li className="t-item t-thinking">
          <details>
            <summary>Thinking · {firstLine(item.text, 100)}</summary>
            <pre>{item.text}</pre>
          </details>
        </li>
      );
    case 'tool-call':
      return (
        <li className="t-item t-tool">
          <details>
            <summary>
              <span className="tool-name">{item.name}</span> <code>{item.summary}</code>
            </summary>
            <dl className="t-input">
              {toolInputFields(item.input).map((field) => (
                <div key={field.key} className={field.multiline ? 't-input-block' : undefined}>
                  <dt>{field.key}</dt>
                  <dd>{field.multiline ? <pre>{field.value}</pre> : <code>{field.value}</code>}</dd>
                </div>
              ))}
            </dl>
          </details>
        </li>
      );
    case 'tool-result':
      return (
        <li className={`t-item t-result${item.isError ? ' t-error' : ''}`}>
          <details>
            <summary>
              {item.isError ? 'Error from' : 'Result of'} {item.toolName ?? 'tool'} · {lineCount(item.text)}
              {item.text && <span className="t-preview"> · {firstLine(item.text)}</span>}
            </summary>
            <pre>{item.text}</pre>
          </details>
        </li>
      );
    case 'result':
      return (
        <li className={`t-item t-final${item.isError ? ' t-error' : ''}`}>
          <strong>{item.isError ? `Stopped with an error (${item.subtype})` : 'Finished'}</strong>
          <span className="muted">
            {item.numTurns !== null && ` · ${item.numTurns} turns`}
            {item.costUsd !== null && ` · ${formatCost(item.costUsd)}`}
            {item.durationMs !== null && ` · ${formatDuration(item.durationMs)}`}
          </span>
          {item.text && <div className="t-body">{item.text}</div>}
        </li>
      );
    case 'retry':
      return (
        <li className="t-item t-retry">
          API error ({item.reason}) · retrying in {formatDuration(item.delayMs)} (attempt {item.attempt} of{' '}
          {item.maxRetries})
        </li>
      );
    case 'notice':
      return <li className="t-item t-system">{item.text}</li>;
  }
}

/** An agent's transcript: what it said, the tools it called (inputs folded), their results, errors. */
export function TranscriptView({ items }: { items: readonly TranscriptItem[] }) {
  return (
    <ol className="transcript" aria-label="Transcript">
      {items.map((item) => (
        <Item key={item.key} item={item} />
      ))}
    </ol>
  );
}
