import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module';
import { registerConsole } from './console/console-static';
import { frameworkErrors, graphqlHttpErrors } from './graphql/http-errors';
import { graphqlNestingGuard } from './graphql/input-guard';

/**
 * Nest 12 is ESM and loads optional packages with dynamic import(); on Node 20, a CommonJS process
 * whose only pending work is such an import exits with code 0 mid-start. Holds the loop open.
 */
export async function holdingEventLoop<T>(start: () => Promise<T>): Promise<T> {
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    return await start();
  } finally {
    clearInterval(keepAlive);
  }
}

/** Builds the API application (used by main.ts, the CLI and the end-to-end tests). */
export function createApp(options: AppOptions): Promise<NestFastifyApplication> {
  return holdingEventLoop(async () => {
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), new FastifyAdapter({ frameworkErrors }), {
      logger: process.env.NODE_ENV === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
      // A provider that fails (a bad setting, say) rejects here, so the caller can stop the embedded
      // server and say why, instead of Nest exiting the process on its own.
      abortOnError: false,
    });
    app.enableShutdownHooks();
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('preHandler', graphqlNestingGuard());
    fastify.addHook('onSend', graphqlHttpErrors());
    await registerConsole(app); // the web console at /, with its security headers
    await app.init();
    return app;
  });
}
