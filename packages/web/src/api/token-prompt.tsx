import { useId, useState, type FormEvent } from 'react';
import { saveApiToken } from './api-token';

/** Asks for the API token when the server refuses requests without one (FANOUT_API_TOKEN). */
export function TokenPrompt() {
  const id = useId();
  const [token, setToken] = useState('');

  function save(event: FormEvent) {
    event.preventDefault();
    if (token.trim() === '') return;
    saveApiToken(token.trim());
    // Every screen and stream starts over with the token.
    window.location.reload();
  }

  return (
    <form className="token-prompt card" onSubmit={save}>
      <h2>This server needs an API token</h2>
      <p className="hint">
        It was started with FANOUT_API_TOKEN. Enter the token; this browser keeps it for next time.
      </p>
      <div className="field">
        <label htmlFor={id}>API token</label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
      </div>
      <button type="submit" className="button button-primary">
        Use this token
      </button>
    </form>
  );
}
