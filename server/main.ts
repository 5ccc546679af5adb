import http from 'node:http';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { loadConfig } from './config.ts';
import { createMutual } from './app.ts';

/** Entry point for `npm start`: the built SvelteKit app + API + relay on one port. */
async function main() {
  const config = loadConfig(process.env);
  const mutual = await createMutual(config);
  const handlerUrl = pathToFileURL(path.resolve('build/handler.js')).href;
  const { handler } = (await import(handlerUrl)) as { handler: (req: http.IncomingMessage, res: http.ServerResponse, next?: () => void) => void };
  const server = http.createServer((req, res) => {
    if (!mutual.handleHttp(req, res)) handler(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (!mutual.handleUpgrade(req, socket, head)) socket.destroy();
  });
  server.listen(config.port, config.host, () => {
    console.log(JSON.stringify({ level: 'info', event: 'listening', url: `http://${config.host}:${config.port}` }));
  });
  const stop = async () => {
    server.close();
    await mutual.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
