import { parseDecimal } from './format';
import type { FieldError } from './components/FieldMessage';

export type MeasureField = 'indicator' | 'start' | 'end' | 'value';
export type IndicatorField = 'standard' | 'target';

/** What is wrong with a standard indicator to define, in French: none chosen, an objective that is not a number (12,5). */
export function indicatorErrors(d: { standard: string; target: string }): FieldError<IndicatorField>[] {
  const errors: FieldError<IndicatorField>[] = [];
  if (!d.standard) errors.push({ field: 'standard', message: 'Choisissez l’indicateur à suivre.' });
  if (d.target.trim() && Number.isNaN(parseDecimal(d.target))) errors.push({ field: 'target', message: 'L’objectif est un nombre (par exemple 40 ou 12,5).' });
  return errors;
}

/**
 * What is wrong with a measurement before it is sent, in French: the period's end before its start,
 * a value that is not a number for a quantitative indicator.
 */
export function measurementErrors(m: { indicatorId: string; start: string; end: string; value: string; quantitative: boolean }): FieldError<MeasureField>[] {
  const errors: FieldError<MeasureField>[] = [];
  if (!m.indicatorId) errors.push({ field: 'indicator', message: 'Choisissez l’indicateur mesuré.' });
  if (!m.start) errors.push({ field: 'start', message: 'Indiquez le début de la période mesurée.' });
  if (m.start && m.end && m.end < m.start) errors.push({ field: 'end', message: 'La fin de période ne peut pas précéder son début.' });
  if (!m.value.trim()) errors.push({ field: 'value', message: 'Indiquez la valeur mesurée.' });
  else if (m.quantitative && Number.isNaN(parseDecimal(m.value)))
    errors.push({ field: 'value', message: 'Cet indicateur se mesure par un nombre (par exemple 12 ou 12,5).' });
  return errors;
}

