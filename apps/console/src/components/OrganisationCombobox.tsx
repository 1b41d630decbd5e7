import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { ORGANISATIONS, type OrganisationHit } from '../api';
import { frenchMessage } from '../errors';
import { departementName } from '../territory';
import { FieldMessage } from './FieldMessage';

export interface PickedOrganisation {
  id: string;
  name: string;
  kindLabel: string;
}

interface Props {
  /** Visible label of the field. */
  label: string;
  /** Hint under the field (also its accessible description). */
  hint?: string;
  value: PickedOrganisation | null;
  onChange: (value: PickedOrganisation | null) => void;
  /** Organisations not to offer (e.g. the current members). */
  exclude?: readonly string[];
  /** Restrict to a kind (OrganisationKind). */
  kind?: string;
  /** Restrict to several kinds (one search per kind, merged by name). */
  kinds?: readonly string[];
  /** Restrict to a région (INSEE code). */
  region?: string;
  required?: boolean;
  /** Stable id of the input (the label points at it). */
  id?: string;
  /** The field's error, in French (shown under it, and its accessible description). */
  error?: string | null;
}

const MIN_CHARS = 2;
const DEBOUNCE_MS = 250;

/**
 * Search the organisation directory by name or SIRET (ARIA 1.2 combobox with a listbox popup):
 * the input keeps the focus, arrows move the active option (aria-activedescendant), Enter picks it,
 * Escape closes the list (or clears the text when it is already closed), and a polite live region
 * says how many structures were found. Typing after a choice clears the choice. To empty the field
 * after a successful command, the parent remounts it (`key`).
 */
export function OrganisationCombobox({ label, hint, value, onChange, exclude = [], kind, kinds, region, required, id, error }: Props) {
  const client = useApolloClient();
  const generated = useId();
  const inputId = id ?? `org-${generated.replace(/:/g, '')}`;
  const listId = `${inputId}-liste`;
  const statusId = `${inputId}-statut`;
  const hintId = `${inputId}-aide`;
  const [text, setText] = useState(value?.name ?? '');
  const [open, setOpen] = useState(false);
  const [hits, setHits] = useState<OrganisationHit[]>([]);
  const [active, setActive] = useState(-1);
  const [status, setStatus] = useState('');
  const [loading, setLoading] = useState(false);
  const request = useRef(0);
  const excluded = exclude.join(',');
  // One search per kind asked (the directory filters on one kind at a time).
  const kindList = (kinds && kinds.length ? [...kinds] : kind ? [kind] : [undefined]).join(',');

  useEffect(() => {
    const term = text.trim();
    if (value && value.name === text) return;
    if (term.length < MIN_CHARS) {
      setHits([]);
      setOpen(false);
      setStatus(term.length > 0 ? `Saisissez au moins ${MIN_CHARS} caractères.` : '');
      return;
    }
    const mine = ++request.current;
    setLoading(true);
    const timer = setTimeout(() => {
      Promise.all(
        kindList.split(',').map((k) =>
          client.query({ query: ORGANISATIONS, variables: { search: term, first: 20, ...(k ? { kind: k } : {}), ...(region ? { region } : {}) }, fetchPolicy: 'network-only' }),
        ),
      )
        .then((answers) => {
          if (mine !== request.current) return;
          const skip = new Set(excluded ? excluded.split(',') : []);
          const all = answers.flatMap(({ data }) => data?.organisations ?? []).filter((o) => !skip.has(o.id));
          // One search keeps the directory's order (by name); several are merged by name.
          const found = answers.length > 1 ? all.sort((x, y) => x.name.localeCompare(y.name, 'fr')).slice(0, 20) : all;
          setHits(found);
          setActive(found.length > 0 ? 0 : -1);
          setOpen(true);
          setStatus(
            found.length === 0
              ? `Aucune structure ne correspond à « ${term} ».`
              : `${found.length} structure${found.length > 1 ? 's' : ''} trouvée${found.length > 1 ? 's' : ''}. Flèches haut et bas pour parcourir, Entrée pour choisir.`,
          );
        })
        .catch((error: unknown) => {
          if (mine !== request.current) return;
          setHits([]);
          setOpen(false);
          setStatus(frenchMessage(error));
        })
        .finally(() => {
          if (mine === request.current) setLoading(false);
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, value, client, kindList, region, excluded]);

  const pick = (hit: OrganisationHit) => {
    onChange({ id: hit.id, name: hit.name, kindLabel: hit.kindLabel });
    setText(hit.name);
    setOpen(false);
    setHits([]);
    setActive(-1);
    setStatus(`${hit.name} choisie.`);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (!open && hits.length > 0) setOpen(true);
        setActive((a) => (hits.length === 0 ? -1 : (a + 1) % hits.length));
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (!open && hits.length > 0) setOpen(true);
        setActive((a) => (hits.length === 0 ? -1 : (a - 1 + hits.length) % hits.length));
        break;
      case 'Home':
        if (open && hits.length > 0) {
          event.preventDefault();
          setActive(0);
        }
        break;
      case 'End':
        if (open && hits.length > 0) {
          event.preventDefault();
          setActive(hits.length - 1);
        }
        break;
      case 'Enter':
        if (open && active >= 0 && hits[active]) {
          event.preventDefault();
          pick(hits[active]);
        } else if (text.trim() && !value) {
          // A half-typed name is not a choice: do not submit the form with it.
          event.preventDefault();
        }
        break;
      case 'Escape':
        if (open) {
          event.preventDefault();
          setOpen(false);
        } else if (text) {
          event.preventDefault();
          setText('');
          onChange(null);
        }
        break;
      default:
    }
  };

  const expanded = open && hits.length > 0;
  return (
    <div className="field field--grow combobox">
      <label htmlFor={inputId}>{label}</label>
      <div className="combobox__control">
        <input
          id={inputId}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
          aria-describedby={[hint ? hintId : '', error ? `${inputId}-erreur` : ''].filter(Boolean).join(' ') || undefined}
          aria-invalid={error ? true : undefined}
          aria-required={required || undefined}
          autoComplete="off"
          spellCheck={false}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (value) onChange(null);
          }}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onFocus={() => {
            if (hits.length > 0 && !value) setOpen(true);
          }}
        />
        <ul id={listId} role="listbox" aria-label={`Résultats : ${label}`} className="combobox__list" hidden={!expanded}>
          {hits.map((hit, i) => (
            <li
              key={hit.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={`combobox__option${i === active ? ' combobox__option--active' : ''}`}
              // mousedown, not click: keep the focus in the input.
              onMouseDown={(e) => (e.preventDefault(), pick(hit))}
              onMouseMove={() => setActive(i)}
            >
              <span className="combobox__name">{hit.name}</span>
              <span className="combobox__meta">
                {hit.kindLabel} — {departementName(hit.departementCode)}
                {hit.siret ? ` — SIRET ${hit.siret}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </div>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      <FieldMessage id={inputId} message={error} />
      <p id={statusId} role="status" aria-live="polite" className="combobox__status hint" data-testid={`${inputId}-statut`}>
        {loading && text.trim().length >= MIN_CHARS && !(value && value.name === text) ? 'Recherche…' : status}
      </p>
    </div>
  );
}
