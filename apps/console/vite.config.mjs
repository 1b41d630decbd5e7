// Vite 8 config of the web console (React 19 through Vite's built-in oxc JSX transform; no plugin).
// Built into dist/console at the repository root, which the API serves at `/`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.resolve(here, '../..');
const api = process.env.MAILLAGE_API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  resolve: {
    alias: [{ find: /^@maillage\/domain\/(.*)$/, replacement: `${repositoryRoot}/libs/domain/src/$1` }],
  },
  build: {
    outDir: path.join(repositoryRoot, 'dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  // `npx vite --config apps/console/vite.config.mjs`: the console on :5173, the API proxied.
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/exports': { target: api, changeOrigin: true },
    },
  },
});
