import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller';
import { AuthModule } from '../auth/auth.module';

/** CSV and XLSX exports of the read models over HTTP (`/exports/*`); uses the global PG_POOL and the caller's token. */
@Module({ imports: [AuthModule], controllers: [ExportsController] })
export class ExportsModule {}
