import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type AppOptions } from './app.module';

/** Builds the API application (used by main.ts, the schema emitter and the end-to-end tests). */
export async function createApp(options: AppOptions): Promise<NestFastifyApplication> {
  // Nest 12 is ESM and loads optional packages with dynamic import(); on Node 20, a CommonJS process
  // whose only pending work is such an import exits with code 0 mid-start. Hold the loop open.
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(options), new FastifyAdapter(), {
      logger: process.env.NODE_ENV === 'test' ? ['error', 'warn'] : ['log', 'error', 'warn'],
    });
    app.enableShutdownHooks();
    await app.init();
    return app;
  } finally {
    clearInterval(keepAlive);
  }
}
