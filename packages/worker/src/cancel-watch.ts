import { existsSync } from 'node:fs';

/**
 * Polls for meta/cancel.json, the run's write-once cancel request. Any orchestrator replica may write it, so
 * watching the file (not only SIGTERM from whoever started the worker) makes cancel work from every replica.
 * The check is one synchronous `stat`: cheaper than a round trip through the thread pool twice a second.
 */
export function watchCancelFile(path: string, intervalMs: number, onCancel: () => void): { stop(): void } {
  const timer = setInterval(() => {
    if (!existsSync(path)) return;
    clearInterval(timer);
    onCancel();
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
