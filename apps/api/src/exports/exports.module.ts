import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';

/** CSV and XLSX exports of the read models over HTTP (`/exports/*`); uses the global PG_POOL. */
@Module({ controllers: [ExportsController] })
export class ExportsModule {}
