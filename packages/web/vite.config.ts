import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev -w @fanout/web` serves the app with hot reload and sends /api to a running orchestrator
// (`npm start`). In production the orchestrator serves dist/ itself, on the same origin as /api.
const proxy = { '/api': { target: 'http://127.0.0.1:7420' } };

export default defineConfig({
  plugins: [react()],
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    // Timings of slow plugins are noise on a busy CI machine.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
});
