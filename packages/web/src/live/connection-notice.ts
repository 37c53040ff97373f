import type { ConnectionInfo } from './follow-run-events';

export interface Notice {
  tone: 'warning' | 'ok' | 'error';
  text: string;
}

/**
 * What the connection banner says for a connection state. `wasLost` is whether the connection was
 * lost since it was last seen live, so a return to `live` can say it is back.
 */
export function connectionNotice(info: ConnectionInfo, wasLost: boolean): Notice | null {
  switch (info.state) {
    case 'reconnecting':
      return { tone: 'warning', text: `Connection lost. Reconnecting… (attempt ${info.attempt})` };
    case 'connecting':
      return info.attempt > 0
        ? { tone: 'warning', text: `Cannot reach the server. Retrying… (attempt ${info.attempt})` }
        : null;
    case 'live':
      return wasLost ? { tone: 'ok', text: 'Connection restored. Live updates are back.' } : null;
    case 'failed':
      return {
        tone: 'error',
        text: `Live updates stopped: ${info.error?.message ?? 'the server refused the stream'}`,
      };
    case 'ended':
      return null;
  }
}
