import 'react-diff-view/style/index.css';
import './app.css';
import './runs/runs.css';
import './runs/check.css';
import './agents/agents.css';
import './diff/diff.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { reportUnauthorized, takeApiToken } from './api/api-token';
import { createApiClient } from './api/client';
import { App } from './app';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <ApiProvider client={createApiClient({ token: takeApiToken(), onUnauthorized: reportUnauthorized })}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
