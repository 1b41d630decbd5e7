import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/**
 * Hands GraphQL resolver errors to Apollo untouched, where `formatGraphQLError` maps them: domain
 * rejections and conflicts are normal answers, not server errors, and Nest's default handler would
 * log each one with its stack. Unexpected errors are logged once, by the mapper. HTTP routes keep
 * Nest's own handling.
 */
@Catch()
export class GraphQLPassThroughFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception;
    return super.catch(exception, host);
  }
}
