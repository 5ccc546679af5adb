import http from 'node:http';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { loadConfig } from './config.ts';
import { createMutual } from './app.ts';
import { createLogger, errorMessage } from './log.ts';
import { applyAppSecurityHeaders } from './http/security-headers.ts';

type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse, next?: () => void) => void;

/** Entry point for `npm start`: the built SvelteKit app + API + relay on one port. */
async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  const mutual = await createMutual(config, { logger });
  // BUILD_DIR: where `vite build` put the app (default ./build); tests build into their own.
  const handlerUrl = pathToFileURL(path.resolve(process.env.BUILD_DIR || 'build', 'handler.js')).href;
  const { handler } = (await import(handlerUrl)) as { handler: NodeHandler };
  const server = http.createServer((req, res) => {
    if (mutual.handleHttp(req, res)) return;
    applyAppSecurityHeaders(res);
    handler(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (!mutual.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.listen(config.port, config.host, () => {
    logger.info('listening', { url: `http://${config.host}:${config.port}`, dataDir: config.store === 'sqlite' ? config.dataDir : 'memory' });
    void announceCreationPolicy(mutual);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting-down', { signal });
    // Stop taking new connections, then close sockets and flush every pending write.
    server.close();
    try {
      await mutual.close();
    } catch (err) {
      logger.error('shutdown-failed', { error: errorMessage(err) });
      process.exit(1);
    }
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // Input never crashes the process, but a bug might: log it rather than die silently.
  process.on('unhandledRejection', (err) => logger.error('unhandled-rejection', { error: errorMessage(err) }));
}

/**
 * Tell the person who runs the server how workspaces get created here. The code goes to the
 * terminal (stderr), not into the JSON logs a log collector keeps.
 */
async function announceCreationPolicy(mutual: Awaited<ReturnType<typeof createMutual>>): Promise<void> {
  const { mode } = mutual.creation;
  if (mode === 'open') return console.error('Anyone who can reach this server may create workspaces (WORKSPACE_CREATION=open).');
  if (mode === 'closed') return console.error('Creating workspaces is switched off (WORKSPACE_CREATION=closed).');
  const code = await mutual.creation.code();
  console.error(`To create a workspace on this server, people need this code: ${code}\n(Set WORKSPACE_CREATION=open to let anyone create workspaces, e.g. on a laptop demo.)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
