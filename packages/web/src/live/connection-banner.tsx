import { useEffect, useState } from 'react';
import { connectionNotice } from './connection-notice';
import type { ConnectionInfo } from './follow-run-events';

const RESTORED_NOTICE_MS = 4000;

/** A visible sign when live updates are lost, and when they are back. */
export function ConnectionBanner({ connection }: { connection: ConnectionInfo }) {
  const lost =
    connection.attempt > 0 && (connection.state === 'reconnecting' || connection.state === 'connecting');
  const [wasLost, setWasLost] = useState(false);
  const [restored, setRestored] = useState(false);

  // Remember a loss until the connection is live again, then say so for a few seconds.
  if (lost && !wasLost) setWasLost(true);
  if (connection.state === 'live' && wasLost) {
    setWasLost(false);
    setRestored(true);
  }
  useEffect(() => {
    if (!restored) return;
    const timer = setTimeout(() => setRestored(false), RESTORED_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [restored]);

  const notice = connectionNotice(connection, restored);
  return (
    <div className="connection-slot" role="status" aria-live="polite">
      {notice && (
        <div className={`banner banner-${notice.tone}`} data-connection={connection.state}>
          {notice.text}
        </div>
      )}
    </div>
  );
}
