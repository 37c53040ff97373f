import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono } from 'hono';

/** Serves the built web UI; any other path gets index.html, so the app's own routes survive a reload. */
export function serveWeb(app: Hono, root: string): void {
  app.use(
    '/assets/*',
    serveStatic({
      root,
      onFound: (_path, c) => c.header('cache-control', 'public, max-age=31536000, immutable'),
    }),
  );
  app.use('*', serveStatic({ root }));
  const index = join(root, 'index.html');
  const serveIndex = serveStatic({ path: index });
  app.get('*', async (c, next) => {
    if (!existsSync(index)) return c.text('The web UI is not built yet: run `npm run build`.', 404);
    return (await serveIndex(c, next)) ?? c.notFound();
  });
}
