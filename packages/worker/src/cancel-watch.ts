import { fileExists } from './atomic-file.js';

/**
 * Polls for meta/cancel.json, the run's write-once cancel request. Any orchestrator replica may write it, so
 * watching the file (not only SIGTERM from whoever started the worker) makes cancel work from every replica.
 */
export function watchCancelFile(path: string, intervalMs: number, onCancel: () => void): { stop(): void } {
  let stopped = false;
  let checking = false;
  const timer = setInterval(() => {
    if (checking || stopped) return;
    checking = true;
    void fileExists(path)
      .then((found) => {
        if (found && !stopped) {
          stopped = true;
          clearInterval(timer);
          onCancel();
        }
      })
      .finally(() => {
        checking = false;
      });
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
