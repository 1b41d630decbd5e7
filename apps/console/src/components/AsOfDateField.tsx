import { useEffect, useRef, useState, type ReactNode } from 'react';
import { INCOMPLETE_DATE } from '../dates';
import { FieldMessage, fieldAria } from './FieldMessage';
import { useRouter } from '../router';

/**
 * The field of the date a page is shown at (“Situation au”), applied as soon as it is complete:
 * `onChange` gets a whole date, or '' once the field is emptied (today). A date partly typed
 * (Chromium gives it no value, which would mean today) changes nothing: the page stays at the last
 * whole date, and the field says “Date incomplète” when the user leaves it or presses Enter. The
 * input is not controlled by `value`, which would put the last whole date back under the user's
 * fingers at the first segment erased; `value` is written to it only when it changes from outside
 * (“Aujourd’hui”).
 */
export function AsOfDateField({
  id,
  label,
  className = 'field field--inline',
  children,
  value,
  onChange,
  min,
  max,
  hintIds = [],
}: {
  id: string;
  label: string;
  className?: string;
  value: string;
  onChange: (date: string) => void;
  min?: string;
  max?: string;
  /** The ids of the elements that describe the field (its error is added after them). */
  hintIds?: readonly string[];
  /** What follows the field on its line (a button back to today). */
  children?: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [incomplete, setIncomplete] = useState(false);
  const check = () => setIncomplete(input.current?.validity.badInput ?? false);
  useEffect(() => {
    const el = input.current;
    if (el && (el.value !== value || el.validity.badInput)) {
      el.value = value;
      setIncomplete(false);
    }
  }, [value]);
  const message = incomplete ? INCOMPLETE_DATE : null;
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={input}
        type="date"
        min={min}
        max={max}
        defaultValue={value}
        onChange={(e) => {
          if (e.target.validity.badInput) return;
          setIncomplete(false);
          onChange(e.target.value);
        }}
        onBlur={check}
        onKeyDown={(e) => {
          if (e.key === 'Enter') check();
        }}
        {...fieldAria(id, message, ...hintIds)}
      />
      {children}
      <FieldMessage id={id} message={message} />
    </div>
  );
}

/** The address parameter holding the date a page is shown at (?au=2026-01-15), as the list keeps its filter. */
export const AS_OF_PARAM = 'au';

/**
 * The date a page is shown at, kept in the address (`?au=YYYY-MM-DD`): a reload, a link, back and
 * forward show the same date. A value that is not a whole calendar date, or is after today, is
 * ignored (today). Changing it replaces the address (no history entry per day tried).
 */
export function useAsOfInAddress(today: string): [string, (date: string) => void] {
  const { search, navigate, path } = useRouter();
  const raw = search.get(AS_OF_PARAM) ?? '';
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(raw) && !Number.isNaN(Date.parse(`${raw}T12:00:00Z`)) && new Date(`${raw}T12:00:00Z`).toISOString().slice(0, 10) === raw && raw <= today;
  const set = (date: string) => {
    const next = new URLSearchParams(window.location.search);
    if (date) next.set(AS_OF_PARAM, date);
    else next.delete(AS_OF_PARAM);
    const text = next.toString();
    navigate(`${path}${text ? `?${text}` : ''}`, { replace: true });
  };
  return [valid ? raw : '', set];
}
