import {
  Catch,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Query,
  Req,
  Res,
  StreamableFile,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { findRegion } from '@maillage/domain';
import { resolveInstant } from '@maillage/read-models';
import { PG_POOL } from '../database/database.module';
import { buildRequestContext, type RequestContext } from '../graphql/request-context';
import { AuthService } from '../auth/auth.service';
import { requireCaller } from '../authorization/caller';
import { AccessDeniedError, canReadRegionalAggregates, enforce, listScope } from '../authorization/access-policy';
import { GraphQLError } from 'graphql';
import { EXPORT_DATASETS, type ExportDataset } from './export-datasets';
import { ExportInputError, parseExportFilter, type ExportFilter } from './export-filter';
import { CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csvStream, parisDate, xlsxStream } from './export-format';

type ExportFormat = 'csv' | 'xlsx';

const logger = new Logger('Exports');

/** Cooperations read per query; MAILLAGE_EXPORT_PAGE_SIZE (1 to 1000) overrides it (tests use a small one). */
export const exportPageSize = (env: NodeJS.ProcessEnv = process.env): number => {
  const value = Number(env.MAILLAGE_EXPORT_PAGE_SIZE);
  return Number.isInteger(value) && value >= 1 && value <= 1000 ? value : 200;
};

/**
 * The single place where the caller's scope is checked: the access policy's list scope is added to
 * the filter and pushed down into the export's SQL (networks: their régions; funders: what they
 * fund; members: their own cooperations). Asking for a région a network does not cover answers
 * NOT_FOUND, like a région with nothing to see would for anyone else.
 */
export function authorizeExportScope(context: RequestContext, filter: ExportFilter): ExportFilter {
  const caller = requireCaller(context);
  if (filter.region) enforce(canReadRegionalAggregates(caller, filter.region), 'Région');
  return { ...filter, scope: listScope(caller) };
}

const ascii = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** maillage-<dataset>-<région>-<date>.<ext>, ASCII only (the date is asOf's, or today's). */
export function exportFileName(
  slug: string,
  filter: ExportFilter,
  format: ExportFormat,
  now: Date = new Date(),
): string {
  const region = filter.region ? ascii(findRegion(filter.region)?.name ?? filter.region) : 'toutes-regions';
  const date = filter.asOf
    ? /^\d{4}-\d{2}-\d{2}$/.test(filter.asOf)
      ? filter.asOf
      : parisDate(resolveInstant(filter.asOf))
    : parisDate(now);
  return `maillage-${slug}-${region}-${date}.${format}`;
}

/** Reads the first page before the response starts, so that a database failure is a clean 500. */
async function primed<T>(pages: AsyncGenerator<T>): Promise<AsyncIterable<T>> {
  const first = await pages.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      yield* pages;
    },
  };
}

/** Errors of the export routes as JSON `{ code, message }` in French; never a stack trace. */
@Catch()
export class ExportExceptionFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number = HttpStatus.INTERNAL_SERVER_ERROR;
    let body = {
      code: 'INTERNAL_SERVER_ERROR',
      message: "Erreur interne : l'export n'a pas pu être produit.",
    };
    if (error instanceof ExportInputError) {
      status = HttpStatus.BAD_REQUEST;
      body = { code: error.code, message: error.message };
    } else if (error instanceof AccessDeniedError) {
      status = error.reason === 'NOT_FOUND' ? HttpStatus.NOT_FOUND : HttpStatus.FORBIDDEN;
      body = { code: error.reason, message: error.message };
    } else if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') {
      status = HttpStatus.UNAUTHORIZED;
      body = { code: 'UNAUTHENTICATED', message: error.message };
    } else if (error instanceof HttpException && error.getStatus() < 500) {
      status = error.getStatus();
      body = {
        code: status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST',
        message: status === 404 ? 'Export inconnu.' : 'Requête invalide.',
      };
    } else {
      logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    if (reply.sent) return;
    void reply.status(status).header('Cache-Control', 'no-store').send(body);
  }
}

/**
 * Exports for networks and funders: `GET /exports/<dataset>.<csv|xlsx>?region=&departement=&kind=
 * &stage=&status=&funderId=&asOf=`, streamed page by page from the read models.
 */
@Controller('exports')
@UseFilters(ExportExceptionFilter)
export class ExportsController {
  private readonly pageSize = exportPageSize();

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  @Get('cooperations.csv')
  cooperationsCsv(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.export(EXPORT_DATASETS.cooperations, 'csv', query, request, reply);
  }

  @Get('cooperations.xlsx')
  cooperationsXlsx(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.export(EXPORT_DATASETS.cooperations, 'xlsx', query, request, reply);
  }

  @Get('stage-history.csv')
  stageHistoryCsv(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.export(EXPORT_DATASETS['stage-history'], 'csv', query, request, reply);
  }

  @Get('stage-history.xlsx')
  stageHistoryXlsx(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.export(EXPORT_DATASETS['stage-history'], 'xlsx', query, request, reply);
  }

  @Get('indicators.csv')
  indicatorsCsv(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.export(EXPORT_DATASETS.indicators, 'csv', query, request, reply);
  }

  @Get('indicators.xlsx')
  indicatorsXlsx(
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.export(EXPORT_DATASETS.indicators, 'xlsx', query, request, reply);
  }

  private async export<R>(
    dataset: ExportDataset<R>,
    format: ExportFormat,
    query: unknown,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<StreamableFile> {
    const context = buildRequestContext(request.headers, await this.auth.authenticate(request.headers));
    const filter = authorizeExportScope(context, parseExportFilter(query));
    const sheet = dataset.sheet;
    const pages = await primed(
      dataset.pages(this.pool, filter, { pageSize: this.pageSize, asOf: resolveInstant(filter.asOf) }),
    );
    const fileName = exportFileName(dataset.slug, filter, format);
    void reply
      .header('Cache-Control', 'no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .header('X-Correlation-Id', context.correlationId);
    const fail = (error: unknown) =>
      logger.error(
        `export ${dataset.slug}.${format} (${context.correlationId}) failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    const stream = format === 'csv' ? csvStream(sheet, pages) : xlsxStream(sheet, pages, fail);
    return new StreamableFile(stream, {
      type: format === 'csv' ? CSV_CONTENT_TYPE : XLSX_CONTENT_TYPE,
      disposition: `attachment; filename="${fileName}"`,
    });
  }
}
