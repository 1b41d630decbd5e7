import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * Cell kinds: `date` values are calendar dates 'YYYY-MM-DD' (already in French time), `amount` is in
 * euros, `number` any other figure; `auto` holds a number or a text (indicator targets).
 */
export type CellKind = 'text' | 'date' | 'integer' | 'number' | 'amount' | 'percent' | 'auto';
export type CellValue = string | number | null;

export interface ExportColumn<R> {
  header: string;
  /** Width in characters in the XLSX file. */
  width: number;
  kind: CellKind;
  value: (row: R) => CellValue;
}

export interface ExportSheet<R> {
  /** Name of the XLSX worksheet (31 characters at most). */
  sheetName: string;
  columns: readonly ExportColumn<R>[];
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const PARIS_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date (Europe/Paris) of an instant, as 'YYYY-MM-DD'. */
export const parisDate = (instant: Date | string | null | undefined): string | null =>
  instant === null || instant === undefined
    ? null
    : PARIS_DATE.format(typeof instant === 'string' ? new Date(instant) : instant);

/** 'YYYY-MM-DD' -> 'jj/mm/aaaa'. */
export const frenchDate = (isoDate: string): string =>
  `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;

const toNumber = (value: CellValue): number | null => {
  if (value === null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
};

// ---------------------------------------------------------------------------------------------
// CSV: what French Excel opens with a double click: UTF-8 with a BOM, ';' between fields, CRLF
// line ends, dates jj/mm/aaaa and decimal commas without thousands separators.
// ---------------------------------------------------------------------------------------------

const CSV_BOM = '\uFEFF';
const NEEDS_QUOTES = /[";\r\n]|^\s|\s$/;
/** A text starting like a formula is prefixed with a quote so a spreadsheet shows it as text. */
const FORMULA_START = /^[=+\-@\t\r]/;

const csvText = (text: string): string => {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const csvNumber = (n: number): string => String(n).replace('.', ',');

export function csvCell(kind: CellKind, value: CellValue): string {
  if (value === null || value === '') return '';
  switch (kind) {
    case 'date':
      return frenchDate(String(value));
    case 'integer':
    case 'number':
    case 'amount':
    case 'percent': {
      const n = toNumber(value);
      return n === null ? '' : csvNumber(n);
    }
    case 'auto':
      return typeof value === 'number' ? csvNumber(value) : csvText(value);
    case 'text':
      return csvText(String(value));
  }
}

export const csvLine = (cells: readonly string[]): string => `${cells.join(';')}\r\n`;

/** A pull stream of the CSV file: one page of rows is fetched when the client has read the last. */
export function csvStream<R>(sheet: ExportSheet<R>, pages: AsyncIterable<readonly R[]>): Readable {
  async function* lines(): AsyncGenerator<string> {
    yield CSV_BOM + csvLine(sheet.columns.map((c) => csvText(c.header)));
    for await (const page of pages) {
      let chunk = '';
      for (const row of page) chunk += csvLine(sheet.columns.map((c) => csvCell(c.kind, c.value(row))));
      if (chunk) yield chunk;
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

// ---------------------------------------------------------------------------------------------
// XLSX, written with exceljs's streaming WorkbookWriter: rows are committed page by page, so a
// large export never sits in memory as a whole workbook.
// ---------------------------------------------------------------------------------------------

const NUMBER_FORMATS: Partial<Record<CellKind, string>> = {
  date: 'dd/mm/yyyy',
  integer: '0',
  amount: '#,##0.00 "€"',
  number: '#,##0.##',
  percent: '0.0',
};
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' } };

function xlsxValue(kind: CellKind, value: CellValue): ExcelJS.CellValue {
  if (value === null || value === '') return null;
  switch (kind) {
    case 'date': {
      const [y, m, d] = String(value).split('-').map(Number);
      return new Date(Date.UTC(y, m - 1, d));
    }
    case 'integer':
    case 'number':
    case 'amount':
    case 'percent':
      return toNumber(value);
    case 'auto':
      return value;
    case 'text':
      return String(value);
  }
}

/** Resolves once the stream asked for more (or was closed: a client that went away). */
const drained = (stream: PassThrough): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });

/**
 * Streams the XLSX file into the returned PassThrough. Pages are read one after the other; between
 * pages the writer waits while the response has not taken what was already written. A failure
 * destroys the stream (the client sees a cut response, never a file that looks complete).
 */
export function xlsxStream<R>(
  sheet: ExportSheet<R>,
  pages: AsyncIterable<readonly R[]>,
  onError: (error: unknown) => void,
): PassThrough {
  const out = new PassThrough();
  const write = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    workbook.creator = 'Maillage';
    workbook.created = new Date();
    const n = sheet.columns.length;
    const worksheet = workbook.addWorksheet(sheet.sheetName, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
    });
    worksheet.columns = sheet.columns.map((c) => ({ key: c.header, width: c.width }));
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: n } };
    const header = worksheet.addRow(sheet.columns.map((c) => c.header));
    header.height = 30;
    header.eachCell((cell) => {
      cell.font = HEADER_FONT;
      cell.fill = HEADER_FILL;
      cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
      cell.border = { bottom: { style: 'thin', color: { argb: 'FF000000' } } };
    });
    header.commit();
    for await (const page of pages) {
      if (out.destroyed) return;
      for (const row of page) {
        const added = worksheet.addRow(sheet.columns.map((c) => xlsxValue(c.kind, c.value(row))));
        sheet.columns.forEach((c, i) => {
          const format =
            NUMBER_FORMATS[c.kind] ??
            (c.kind === 'auto' && typeof c.value(row) === 'number' ? NUMBER_FORMATS.number : undefined);
          if (format) added.getCell(i + 1).numFmt = format;
        });
        added.commit();
      }
      if (out.writableNeedDrain) await drained(out);
    }
    worksheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => {
    onError(error);
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}
