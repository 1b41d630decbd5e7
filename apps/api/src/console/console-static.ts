import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import { isApiPath } from '../api-paths';

/** Shown at `/` when `vite build` has not produced dist/console (unit tests, swc-only builds). */
export const CONSOLE_MISSING_MESSAGE_FR =
  "La console web n'est pas construite. Lancez « npm run build » (ou « npm start ») à la racine du dépôt, puis rechargez cette page. L'API GraphQL reste disponible sur /graphql.";

/** The repository root: the nearest folder above `from` with the root package.json. */
function repositoryRoot(from: string): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'maillage') return dir;
      } catch {
        // not ours, keep climbing
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** Where the built console is: MAILLAGE_CONSOLE_DIR, or dist/console at the repository root. */
export function consoleDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.MAILLAGE_CONSOLE_DIR ? path.resolve(env.MAILLAGE_CONSOLE_DIR) : path.join(repositoryRoot(__dirname), 'dist', 'console');
}


/**
 * Serves the web console at `/` on the API's port, in an encapsulated Fastify context so its
 * security headers (helmet, strict CSP) apply to the console's responses only: /graphql (Apollo's
 * landing page loads its scripts from Apollo's CDN) and /exports keep their own headers.
 * Client routes (/cooperations/..., /reseau, ...) fall back to index.html.
 */
export async function registerConsole(app: NestFastifyApplication, root: string = consoleDirectory()): Promise<{ built: boolean }> {
  const built = existsSync(path.join(root, 'index.html'));
  await app.register(async (instance: FastifyInstance) => {
    await instance.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'"],
          // GraphQL over HTTP and over WebSocket (graphql-ws) to this same host.
          connectSrc: [
            "'self'",
            (req) => `ws://${(req).headers.host ?? 'localhost'}`,
            (req) => `wss://${(req).headers.host ?? 'localhost'}`,
          ],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The console is served over plain HTTP on 127.0.0.1 by default: no HSTS here.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    });
    if (!built) {
      instance.get('/*', (request: FastifyRequest, reply: FastifyReply) => {
        if (isApiPath(request.url)) return reply.code(404).type('application/json').send({ code: 'NOT_FOUND', message: 'Ressource inconnue.' });
        return reply.code(503).type('text/plain; charset=utf-8').header('Cache-Control', 'no-store').send(CONSOLE_MISSING_MESSAGE_FR);
      });
      return;
    }
    // Hashed, immutable bundles under /assets/; unknown files there answer 404.
    await instance.register(fastifyStatic, {
      root: path.join(root, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
    });
    instance.get('/*', async (request: FastifyRequest, reply: FastifyReply) => {
      const url = request.url.split('?')[0];
      if (isApiPath(url)) return reply.code(404).type('application/json').send({ code: 'NOT_FOUND', message: 'Ressource inconnue.' });
      // Top-level files of the build (favicon...); anything else with an extension is a 404.
      const name = url.slice(1);
      if (/^[\w.-]+\.[a-z0-9]+$/i.test(name) && name !== 'index.html') {
        if (existsSync(path.join(root, name))) return reply.sendFile(name, root);
        return reply.code(404).type('text/plain; charset=utf-8').send('Fichier introuvable.');
      }
      if (path.extname(url)) return reply.code(404).type('text/plain; charset=utf-8').send('Fichier introuvable.');
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html', root);
    });
  });
  return { built };
}
