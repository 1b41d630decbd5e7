import { MARKET_PROCEDURES, marketProcedureLabelsFr } from '../labels';
import type { MarketDraft, MarketField } from '../market';
import { Checkboxes } from './Checkboxes';
import { FieldMessage, fieldAria, messageOf, type FieldError } from './FieldMessage';

const SUFFIXES: Record<MarketField, string> = {
  buyerName: 'buyer',
  cpvCode: 'cpv',
  amount: 'amount',
  duration: 'duration',
  procedures: 'procedures',
  bidDeadline: 'deadline',
};

/** The id of a market field in the form whose ids start with `prefix` (“w” in the wizard: w-deadline). */
export const marketFieldId = (prefix: string, field: MarketField): string => `${prefix}-${SUFFIXES[field]}`;

/**
 * The fields of a GME's target market, written once for the creation wizard and the cooperation
 * page (the rules are in market.ts): each field's error under it (`<id>-erreur`, also its test id)
 * and in its description, with aria-invalid. The caller holds the draft, validates it and shows
 * the error summary.
 */
export function MarketFields({
  prefix,
  market,
  onChange,
  errors,
}: {
  /** The start of every id (“w” in the wizard, “m” on the cooperation page). */
  prefix: string;
  market: MarketDraft;
  /** Applies a change to the draft (an updater, so that quick typing never loses a keystroke). */
  onChange: (change: (draft: MarketDraft) => MarketDraft) => void;
  errors: readonly FieldError<string>[];
}) {
  const id = (field: MarketField) => marketFieldId(prefix, field);
  const errorOf = (field: MarketField) => messageOf(errors, field);
  const aria = (field: MarketField, ...hintIds: string[]) => fieldAria(id(field), errorOf(field), ...hintIds);
  const message = (field: MarketField) => <FieldMessage id={id(field)} message={errorOf(field)} />;
  const set = (field: Exclude<MarketField, 'procedures'>, value: string) => onChange((d) => ({ ...d, [field]: value }));
  const toggleProcedure = (value: string) =>
    onChange((d) => ({ ...d, procedures: d.procedures.includes(value) ? d.procedures.filter((p) => p !== value) : [...d.procedures, value] }));
  const hint = (field: MarketField) => `${id(field)}-aide`;

  return (
    <>
      <div className="grid-2">
        <div className="field">
          <label htmlFor={id('buyerName')}>Acheteur</label>
          <input id={id('buyerName')} value={market.buyerName} onChange={(e) => set('buyerName', e.target.value)} {...aria('buyerName')} />
          {message('buyerName')}
        </div>
        <div className="field">
          <label htmlFor={id('cpvCode')}>Code CPV (8 chiffres), facultatif pour un marché privé</label>
          <input
            id={id('cpvCode')}
            inputMode="numeric"
            autoComplete="off"
            value={market.cpvCode}
            onChange={(e) => set('cpvCode', e.target.value.trim())}
            {...aria('cpvCode', hint('cpvCode'))}
          />
          <p id={hint('cpvCode')} className="hint">
            Par exemple 90911200, ou 90911200-8 avec le chiffre de contrôle.
          </p>
          {message('cpvCode')}
        </div>
        <div className="field">
          <label htmlFor={id('amount')}>Montant hors taxes (€)</label>
          <input
            id={id('amount')}
            inputMode="decimal"
            autoComplete="off"
            value={market.amount}
            onChange={(e) => set('amount', e.target.value)}
            {...aria('amount', hint('amount'))}
          />
          <p id={hint('amount')} className="hint">
            En euros, par exemple 170 000 ou 12 500,50.
          </p>
          {message('amount')}
        </div>
        <div className="field">
          <label htmlFor={id('duration')}>Durée (mois)</label>
          <input
            id={id('duration')}
            inputMode="numeric"
            autoComplete="off"
            value={market.duration}
            onChange={(e) => set('duration', e.target.value)}
            {...aria('duration')}
          />
          {message('duration')}
        </div>
        <div className="field">
          <label htmlFor={id('bidDeadline')}>Date limite de remise des offres</label>
          <input
            id={id('bidDeadline')}
            type="date"
            value={market.bidDeadline}
            onChange={(e) => set('bidDeadline', e.target.value)}
            {...aria('bidDeadline', hint('bidDeadline'))}
          />
          <p id={hint('bidDeadline')} className="hint">
            Facultatif. De cette date à l’attribution du marché, la composition du groupement est figée.
          </p>
          {message('bidDeadline')}
        </div>
      </div>
      <Checkboxes
        id={id('procedures')}
        legend="Procédures"
        name={id('procedures')}
        values={MARKET_PROCEDURES}
        labels={marketProcedureLabelsFr}
        checked={market.procedures}
        onToggle={toggleProcedure}
        error={errorOf('procedures')}
      />
    </>
  );
}
