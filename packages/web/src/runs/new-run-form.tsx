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

type TextFieldName = 'model' | 'budgetUsd' | 'check' | 'setup';

/** One optional one-line field of the form: label, input, hint and the error the API gave for it. */
function TextField(props: {
  id: string;
  name: TextFieldName;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  hint: string;
  placeholder: string;
  className?: string;
  inputMode?: 'decimal';
}) {
  const { id } = props;
  return (
    <div className={props.className ? `field ${props.className}` : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type="text"
        autoComplete="off"
        spellCheck={false}
        inputMode={props.inputMode}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={`${id}-hint ${id}-error`}
      />
      <p className="hint" id={`${id}-hint`}>
        {props.hint}
      </p>
      <FieldError id={`${id}-error`} message={props.error} />
    </div>
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

  const field = (name: 'prompt' | 'agents') => ({
    id: `${id}-${name}`,
    'aria-invalid': errors.fields[name] ? true : undefined,
    'aria-describedby': `${id}-${name}-hint ${id}-${name}-error`,
  });
  const count = parseAgentCount(agents);
  const textField = (
    name: TextFieldName,
    label: string,
    value: string,
    onChange: (value: string) => void,
  ) => ({ id: `${id}-${name}`, name, label, value, onChange, error: errors.fields[name] });

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
        <TextField
          {...textField('model', 'Model', model, setModel)}
          className="field-model"
          placeholder={config.defaultModel ?? 'server default'}
          hint="Optional"
        />
        <TextField
          {...textField('budgetUsd', 'Budget (US$)', budget, setBudget)}
          className="field-budget"
          inputMode="decimal"
          placeholder="no limit"
          hint="Optional. Split evenly among the agents."
        />
      </div>
      <TextField
        {...textField('check', 'Check command', check, setCheck)}
        placeholder="e.g. npm test"
        hint="Optional. Runs in each agent’s worktree after the agent stops; its result is shown on the agent."
      />
      <TextField
        {...textField('setup', 'Setup command', setup, setSetup)}
        placeholder="e.g. npm ci"
        hint="Optional. Runs in each agent’s worktree before the agent starts, within its time limit; what it creates is never committed."
      />
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
