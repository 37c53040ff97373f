import type { RunStreamEvent } from '@fanout/shared';
import type { EventSourceMessage } from 'eventsource-parser';

/** One parsed SSE message as a typed run event; null for unknown event names or bad JSON. */
export function toRunStreamEvent(message: EventSourceMessage): RunStreamEvent | null {
  const { event, id = '', data } = message;
  if (event !== 'run' && event !== 'agent' && event !== 'message') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  // The server and this app share one contract; the payload is trusted once it is an object.
  return { event, id, data: parsed } as RunStreamEvent;
}
