import type { Plugin } from 'vite';

/**
 * `npm run dev`: attach the relay and the HTTP API to Vite's own HTTP server, so
 * development is one process too. Vite's HMR socket shares the port; we only take
 * upgrades under /sync/ and requests under /api/ and /healthz.
 */
export function mutualDevServer(): Plugin {
  return {
    name: 'mutual-dev-server',
    apply: 'serve',
    async configureServer(server) {
      if (!server.httpServer || process.env.VITEST) return;
      const { createMutual } = await import('./app.ts');
      const { loadConfig } = await import('./config.ts');
      // `npm run dev` is a developer's own machine: anyone may create workspaces unless told otherwise.
      const mutual = await createMutual(loadConfig({ WORKSPACE_CREATION: 'open', ...process.env }));
      server.middlewares.use((req, res, next) => {
        if (!mutual.handleHttp(req, res)) next();
      });
      server.httpServer.on('upgrade', (req, socket, head) => {
        mutual.handleUpgrade(req, socket, head);
      });
      server.httpServer.on('close', () => void mutual.close());
    }
  };
}
