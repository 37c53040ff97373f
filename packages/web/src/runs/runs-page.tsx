import type { Run } from '@fanout/shared';
import { navigate } from '../router/navigation';
import { routeHref } from '../router/routes';
import { NewRunForm } from './new-run-form';
import { RunsList } from './runs-list';
import { useRunsList } from './use-runs-list';

/** The home screen: start a run, and every run so far. */
export function RunsPage() {
  const list = useRunsList();

  function created(run: Run) {
    list.add(run);
    // The new run is shown at once from the POST answer; its stream takes over from there.
    navigate(routeHref({ name: 'run', runId: run.id }), { state: { run } });
  }

  return (
    <div className="runs-page">
      <NewRunForm onCreated={created} />
      <section className="runs-section" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <RunsList list={list} />
      </section>
    </div>
  );
}
