import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor } from '@maillage/event-store';
import type { OrganisationDirectory } from './loaders';

/** The signed-in user of a request (set by the authentication layer; null when anonymous). */
export interface RequestUser {
  userId: string;
  organisationId: string | null;
  role: string;
  /** NETWORK: the régions (INSEE codes) it covers. */
  regions: string[];
}

/** Per-request context shared by every resolver: who asks, and the correlation id of the request. */
export interface RequestContext {
  user: RequestUser | null;
  correlationId: string;
  /** For sign-in throttling per address (Fastify's request.ip; set trustProxy behind a proxy). */
  clientIp: string | null;
  /** The process's organisation directory (set for HTTP requests; loaders read the table without it). */
  organisations?: OrganisationDirectory;
}

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Builds the context from the HTTP request (or a WebSocket connection's parameters). */
export function buildRequestContext(
  headers: Record<string, unknown> | undefined,
  user: RequestUser | null = null,
  clientIp: string | null = null,
): RequestContext {
  const header = headers?.['x-correlation-id'];
  const correlationId = typeof header === 'string' && CORRELATION_ID.test(header) ? header : randomUUID();
  return { user, correlationId, clientIp };
}

/** The actor recorded in event metadata: ids only, never names (personal data stays out of events). */
export function actorOf(context: RequestContext): Actor {
  const user = context.user;
  return user ? { userId: user.userId, organisationId: user.organisationId, role: user.role } : { userId: 'anonymous', organisationId: null, role: null };
}

export const Ctx = createParamDecorator((_data: unknown, execution: ExecutionContext): RequestContext => {
  return GqlExecutionContext.create(execution).getContext<RequestContext>();
});
