import type { Run } from '@fanout/shared';
import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useApi } from '../api/api-context';
import { useServerConfig } from '../api/use-server-config';
import {
  checkNewRun,
  formErrorsFrom,
  NO_ERRORS,
  parseAgentCount,
  parseBudget,
  type FormErrors,
} from './form-errors';

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/**
 * A new run: prompt, number of agents, model, and an optional budget, check command and setup command. Input is checked against the contract's schema, then
 * by the server; what either refuses is shown next to the field it names, in the API's words.
 */
export function NewRunForm({ onCreated }: { onCreated: (run: Run) => void }) {
  const api = useApi();
  const id = useId();
  const config = useServerConfig();
  const [prompt, setPrompt] = useState('');
  const [agents, setAgents] = useState('3');
  const [model, setModel] = useState('');
  const [check, setCheck] = useState('');
  const [setup, setSetup] = useState('');
  const [budget, setBudget] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (submitting) return;
    const trimmedModel = model.trim();
    const trimmedCheck = check.trim();
    const trimmedSetup = setup.trim();
    const budgetUsd = parseBudget(budget);
    const body = {
      prompt,
      agents: parseAgentCount(agents),
      ...(trimmedModel ? { model: trimmedModel } : {}),
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
      ...(trimmedCheck ? { check: trimmedCheck } : {}),
      ...(trimmedSetup ? { setup: trimmedSetup } : {}),
    };
    const refused = checkNewRun(body, config.maxAgents);
    if (refused) {
      setErrors(refused);
      return;
    }
    setSubmitting(true);
    setErrors(NO_ERRORS);
    try {
      const run = await api.createRun(body);
      setPrompt('');
      onCreated(run);
    } catch (error) {
      setErrors(formErrorsFrom(error));
    } finally {
      setSubmitting(false);
    }
  }

  function submitOnModEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
  }

  const field = (name: 'prompt' | 'agents' | 'model' | 'budgetUsd' | 'check' | 'setup') => ({
    id: `${id}-${name}`,
    'aria-invalid': errors.fields[name] ? true : undefined,
    'aria-describedby': `${id}-${name}-hint ${id}-${name}-error`,
  });
  const count = parseAgentCount(agents);

  return (
    <form
      className="new-run card"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>New run</h2>
      <div className="field">
        <label htmlFor={`${id}-prompt`}>Prompt</label>
        <textarea
          {...field('prompt')}
          name="prompt"
          rows={6}
          value={prompt}
          onChange={(e) => setPrompt(e.target.value)}
          onKeyDown={submitOnModEnter}
          placeholder="What should the agents do? e.g. Add a --json flag to the CLI, with tests."
        />
        <p className="hint" id={`${id}-prompt-hint`}>
          Every agent gets the same prompt. Ctrl+Enter starts the run.
        </p>
        <FieldError id={`${id}-prompt-error`} message={errors.fields.prompt} />
      </div>
      <div className="field-row">
        <div className="field field-agents">
          <label htmlFor={`${id}-agents`}>Agents</label>
          <input
            {...field('agents')}
            name="agents"
            type="number"
            inputMode="numeric"
            min={1}
            max={config.maxAgents}
            step={1}
            value={agents}
            onChange={(e) => setAgents(e.target.value)}
          />
          <p className="hint" id={`${id}-agents-hint`}>
            1 to {config.maxAgents}
          </p>
          <FieldError id={`${id}-agents-error`} message={errors.fields.agents} />
        </div>
        <div className="field field-model">
          <label htmlFor={`${id}-model`}>Model</label>
          <input
            {...field('model')}
            name="model"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={model}
            onChange={(e) => setModel(e.target.value)}
            placeholder={config.defaultModel ?? 'server default'}
          />
          <p className="hint" id={`${id}-model-hint`}>
            Optional
          </p>
          <FieldError id={`${id}-model-error`} message={errors.fields.model} />
        </div>
        <div className="field field-budget">
          <label htmlFor={`${id}-budgetUsd`}>Budget (US$)</label>
          <input
            {...field('budgetUsd')}
            name="budgetUsd"
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={budget}
            onChange={(e) => setBudget(e.target.value)}
            placeholder="no limit"
          />
          <p className="hint" id={`${id}-budgetUsd-hint`}>
            Optional. Split evenly among the agents.
          </p>
          <FieldError id={`${id}-budgetUsd-error`} message={errors.fields.budgetUsd} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-check`}>Check command</label>
        <input
          {...field('check')}
          name="check"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={check}
          onChange={(e) => setCheck(e.target.value)}
          placeholder="e.g. npm test"
        />
        <p className="hint" id={`${id}-check-hint`}>
          Optional. Runs in each agent’s worktree after the agent stops; its result is shown on the agent.
        </p>
        <FieldError id={`${id}-check-error`} message={errors.fields.check} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-setup`}>Setup command</label>
        <input
          {...field('setup')}
          name="setup"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={setup}
          onChange={(e) => setSetup(e.target.value)}
          placeholder="e.g. npm ci"
        />
        <p className="hint" id={`${id}-setup-hint`}>
          Optional. Runs in each agent’s worktree before the agent starts, within its time limit; what it
          creates is never committed.
        </p>
        <FieldError id={`${id}-setup-error`} message={errors.fields.setup} />
      </div>
      {errors.form && (
        <p className="form-error" role="alert">
          {errors.form}
        </p>
      )}
      <button type="submit" className="button button-primary" disabled={submitting}>
        {submitting
          ? 'Starting…'
          : count !== null && Number.isInteger(count) && count >= 1
            ? `Start ${count} agent${count === 1 ? '' : 's'}`
            : 'Start run'}
      </button>
    </form>
  );
}
