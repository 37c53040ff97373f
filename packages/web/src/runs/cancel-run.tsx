import { isFinalRunStatus, type Run } from '@fanout/shared';
import { useState } from 'react';
import { useApi } from '../api/api-context';
import { ApiError } from '../api/api-error';

/** Cancel, after a confirmation; the cards then show each agent reaching `cancelled`. */
export function CancelRun({ run, onRequested }: { run: Run; onRequested: () => void }) {
  const api = useApi();
  const [step, setStep] = useState<'idle' | 'confirm' | 'sending'>('idle');
  const [error, setError] = useState<string | null>(null);

  if (isFinalRunStatus(run.status)) return null;
  if (run.cancelRequested) {
    return (
      <p className="cancel-state" role="status">
        Cancelling… unfinished agents are being stopped and their work committed.
      </p>
    );
  }

  async function cancel() {
    setStep('sending');
    setError(null);
    try {
      await api.cancelRun(run.id);
      onRequested();
    } catch (err) {
      // 409: it finished on its own meanwhile; the stream will say so.
      if (!(err instanceof ApiError && err.status === 409)) {
        setError(err instanceof Error ? err.message : String(err));
      }
    } finally {
      setStep('idle');
    }
  }

  const unfinished = run.agents.filter(
    (a) => !['succeeded', 'failed', 'cancelled'].includes(a.status),
  ).length;
  return (
    <div className="cancel-run">
      {step === 'idle' && (
        <button type="button" className="button button-danger" onClick={() => setStep('confirm')}>
          Cancel run
        </button>
      )}
      {step !== 'idle' && (
        <div className="confirm" role="alertdialog" aria-labelledby="cancel-question" aria-modal="false">
          <p id="cancel-question">
            Stop {unfinished} unfinished agent{unfinished === 1 ? '' : 's'}? Work done so far is committed to
            their branches.
          </p>
          <div className="confirm-actions">
            <button
              type="button"
              className="button button-danger"
              disabled={step === 'sending'}
              onClick={() => void cancel()}
              autoFocus
            >
              {step === 'sending' ? 'Cancelling…' : 'Yes, cancel run'}
            </button>
            <button
              type="button"
              className="button"
              disabled={step === 'sending'}
              onClick={() => setStep('idle')}
            >
              Keep running
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          Could not cancel: {error}
        </p>
      )}
    </div>
  );
}
