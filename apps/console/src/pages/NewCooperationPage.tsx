import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useCommand } from '../command';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorSummary } from '../components/ErrorSummary';
import { Checkboxes } from '../components/Checkboxes';
import { type FieldError } from '../components/FieldMessage';
import { MarketFields, marketFieldId } from '../components/MarketFields';
import { PageTitle, SubmitButton, focusLater } from '../components/ui';
import { messageFor, type ErrorInfo } from '../errors';
import {
  ESSAIMAGE_STRATEGIES,
  GME_FORMS,
  KINDS,
  OBJECTIVES,
  SECTORS,
  cooperationKindLabelsFr,
  essaimageStrategyLabelsFr,
  gmeFormLabelsFr,
  objectiveLabelsFr,
  sectorLabelsFr,
  type CooperationKind,
} from '../labels';
import { useRouter } from '../router';
import { useSession } from '../session-context';
import { departementName, departementsOf, regionName } from '../territory';
import { RegionOptions } from '../components/TerritoryOptions';
import { formatDate, formatEuros, parseEuros, todayIso } from '../format';
import {
  EMPTY_MARKET,
  deadlineFreezesNow,
  frozenWarning,
  keepUnfinishedCreation,
  marketCommand,
  marketFieldOf,
  validateMarket,
  type MarketDraft,
  type MarketField,
  type PendingMarket,
} from '../market';
import { withIncompleteDates } from '../dates';

/** What each kind is, in one line (shown when choosing). */
const KIND_HINTS: Record<CooperationKind, string> = {
  GME: 'Plusieurs structures répondent ensemble à un marché, avec un mandataire.',
  GIE: 'Une structure commune pour mutualiser des moyens ou une activité.',
  GES: 'Un groupe de structures d’insertion liées par une gouvernance commune.',
  PTCE: 'Un pôle territorial réunissant entreprises de l’ESS, entreprises classiques et une collectivité.',
  JVS: 'Une société commune entre une structure de l’ESS (majoritaire) et une entreprise classique.',
  ESSAIMAGE: 'Dupliquer une activité réussie sur un nouveau territoire.',
};

/** What comes after creation, per kind (asked on the cooperation page, not here). */
const KIND_NEXT: Record<CooperationKind, string> = {
  GME: 'Ensuite : ajoutez les cotraitants et désignez le mandataire.',
  GIE: 'Ensuite : ajoutez les membres du groupement.',
  GES: 'Ensuite : ajoutez les structures membres du groupe.',
  PTCE: 'Ensuite : ajoutez les membres du pôle, dont au moins une collectivité territoriale.',
  JVS: 'Ensuite : ajoutez les associés et définissez la répartition du capital (majorité ESS).',
  ESSAIMAGE: 'Votre structure est la structure essaimante. Ensuite : ouvrez le premier site.',
};

interface Draft {
  kind: CooperationKind | '';
  name: string;
  objectives: string[];
  sectors: string[];
  regionCode: string;
  departementCodes: string[];
  gmeForm: string;
  marketEnabled: boolean;
  market: MarketDraft;
  strategy: string;
}
const EMPTY: Draft = {
  kind: '',
  name: '',
  objectives: [],
  sectors: [],
  regionCode: '',
  departementCodes: [],
  gmeForm: '',
  marketEnabled: false,
  market: EMPTY_MARKET,
  strategy: '',
};

const STEPS = ['Type de coopération', 'Le projet', 'Territoire', 'Précisions', 'Vérification'] as const;

function validate(step: number, d: Draft): FieldError<string>[] {
  const errors: FieldError<string>[] = [];
  if (step === 0 && !d.kind) errors.push({ field: 'kind', message: 'Choisissez un type de coopération.' });
  if (step === 1) {
    if (d.name.trim().length < 3) errors.push({ field: 'name', message: 'Donnez un nom à la coopération (3 caractères au moins).' });
    if (d.objectives.length === 0) errors.push({ field: 'objectives', message: 'Cochez au moins un objectif.' });
  }
  if (step === 2 && !d.regionCode) errors.push({ field: 'regionCode', message: 'Choisissez la région.' });
  if (step === 3 && d.kind === 'GME' && d.marketEnabled) errors.push(...validateMarket(d.market));
  return errors;
}

export function NewCooperationPage() {
  const { session } = useSession();
  const { navigate } = useRouter();
  const { run, pending } = useCommand();
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<FieldError<string>[]>([]);
  // A bid deadline already reached freezes the members at once: confirmed once per date.
  const [askDeadline, setAskDeadline] = useState(false);
  const [confirmedDeadline, setConfirmedDeadline] = useState('');
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [step]);

  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggle = (key: 'objectives' | 'sectors' | 'departementCodes', value: string) =>
    setDraft((d) => ({ ...d, [key]: d[key].includes(value) ? d[key].filter((v) => v !== value) : [...d[key], value] }));

  const next = (event: FormEvent) => {
    event.preventDefault();
    // A bid deadline partly typed has no value: said at the field rather than dropped.
    const found = step === 3 ? withIncompleteDates(validate(step, draft), ['bidDeadline'], (field) => marketFieldId('w', field as MarketField)) : validate(step, draft);
    setErrors(found);
    if (found.length) return;
    if (step === 3 && draft.kind === 'GME' && draft.marketEnabled && deadlineFreezesNow(draft.market.bidDeadline, todayIso()) && confirmedDeadline !== draft.market.bidDeadline) {
      setAskDeadline(true);
      return;
    }
    if (step < STEPS.length - 1) setStep(step + 1);
    else if (!pending) void create();
  };

  const create = async () => {
    const lead = session.user.organisationId;
    if (!lead || !draft.kind) return;
    const cooperationId = crypto.randomUUID();
    const proposed = await run('proposeCooperation', {
      cooperationId,
      idempotencyKey: `propose-${cooperationId}`,
      kind: draft.kind,
      name: draft.name.trim(),
      objectives: draft.objectives,
      sectors: draft.sectors,
      territory: { regionCode: draft.regionCode, departementCodes: draft.departementCodes },
      leadOrganisationId: lead,
      ...(draft.kind === 'ESSAIMAGE' ? { parentOrganisationId: lead } : {}),
    });
    if (!proposed.ok || !proposed.result) return;
    let version = proposed.result.version;
    /** Runs a follow-up command; its refusal, if any (the cooperation exists either way). */
    const follow = async (name: string, input: Record<string, unknown>): Promise<ErrorInfo | null> => {
      const r = await run(name, { cooperationId, expectedVersion: version, ...input });
      if (r.ok && r.result) {
        version = r.result.version;
        return null;
      }
      return r.error ?? { code: 'UNKNOWN', message: '', extensions: {} };
    };
    // What could not be recorded is said on the cooperation page, and the market typed is kept there.
    const notes: string[] = [];
    let market: PendingMarket | null = null;
    if (draft.kind === 'GME' && draft.gmeForm) {
      const refused = await follow('setGmeForm', { form: draft.gmeForm });
      if (refused)
        notes.push(
          `La forme du groupement (« ${gmeFormLabelsFr[draft.gmeForm as keyof typeof gmeFormLabelsFr]} ») n’a pas été enregistrée. Motif : ${messageFor(refused)} Choisissez-la à nouveau dans la partie « Marché visé (GME) ».`,
        );
    }
    if (draft.kind === 'GME' && draft.marketEnabled) {
      const refused = await follow('recordMarket', marketCommand(draft.market));
      if (refused) {
        const reason = messageFor(refused);
        market = { draft: draft.market, reason, field: marketFieldOf(refused.extensions.field) };
        notes.push(`Le marché visé n’a pas été enregistré. Motif : ${reason} Votre saisie est reprise dans le formulaire « Marché visé » ci-dessous : vérifiez-la, puis enregistrez le marché.`);
      }
    }
    if (draft.kind === 'ESSAIMAGE' && draft.strategy) {
      const refused = await follow('chooseEssaimageStrategy', { strategy: draft.strategy });
      if (refused)
        notes.push(
          `La stratégie d’essaimage (« ${essaimageStrategyLabelsFr[draft.strategy as keyof typeof essaimageStrategyLabelsFr]} ») n’a pas été enregistrée. Motif : ${messageFor(refused)} Choisissez-la à nouveau dans la partie consacrée à l’essaimage.`,
        );
    }
    if (notes.length) keepUnfinishedCreation(cooperationId, { notes, market });
    navigate(`/cooperations/${cooperationId}?creee=1`);
  };

  const kind = draft.kind || null;
  return (
    <>
      <PageTitle>Nouvelle coopération</PageTitle>
      <ol className="wizard-steps" aria-label="Étapes de la création">
        {STEPS.map((label, i) => (
          <li key={label} className={i === step ? 'is-current' : i < step ? 'is-done' : ''} aria-current={i === step ? 'step' : undefined}>
            <span aria-hidden="true">{i + 1}</span> {label}
          </li>
        ))}
      </ol>
      <form className="card form wizard" onSubmit={next} noValidate>
        <h2 ref={stepHeading} tabIndex={-1}>
          Étape {step + 1} sur {STEPS.length} : {STEPS[step]}
        </h2>
        <ErrorSummary errors={errors} testId="wizard-errors" />

        {step === 0 && (
          <fieldset className="choices choices--cards">
            <legend>Quel type de coopération proposez-vous ?</legend>
            {KINDS.map((k) => (
              <label key={k} className={`choice-card${draft.kind === k ? ' is-checked' : ''}`}>
                <input type="radio" name="kind" value={k} checked={draft.kind === k} onChange={() => update('kind', k)} />
                <span className="choice-card__title">{cooperationKindLabelsFr[k]}</span>
                <span className="choice-card__hint">{KIND_HINTS[k]}</span>
              </label>
            ))}
          </fieldset>
        )}

        {step === 1 && (
          <>
            <div className="field">
              <label htmlFor="w-name">Nom de la coopération</label>
              <input id="w-name" value={draft.name} onChange={(e) => update('name', e.target.value)} required autoComplete="off" />
            </div>
            <Checkboxes legend="Objectifs (au moins un)" name="objectives" values={OBJECTIVES} labels={objectiveLabelsFr} checked={draft.objectives} onToggle={(v) => toggle('objectives', v)} />
            <Checkboxes legend="Secteurs d’activité" name="sectors" values={SECTORS} labels={sectorLabelsFr} checked={draft.sectors} onToggle={(v) => toggle('sectors', v)} columns />
          </>
        )}

        {step === 2 && (
          <>
            <div className="field">
              <label htmlFor="w-region">Région</label>
              <select
                id="w-region"
                value={draft.regionCode}
                onChange={(e) => setDraft((d) => ({ ...d, regionCode: e.target.value, departementCodes: [] }))}
              >
                <option value="">Choisir une région</option>
                <RegionOptions />
              </select>
            </div>
            {draft.regionCode && (
              <Checkboxes
                legend="Départements concernés"
                name="departements"
                values={departementsOf(draft.regionCode).map((d) => d.code)}
                labels={Object.fromEntries(departementsOf(draft.regionCode).map((d) => [d.code, `${d.name} (${d.code})`]))}
                checked={draft.departementCodes}
                onToggle={(v) => toggle('departementCodes', v)}
                columns
              />
            )}
          </>
        )}

        {/* Kept in the page (hidden) on the other steps: a date partly typed has no value to keep in
            the draft (Chromium gives ''), only the field itself holds it, so going back a step must
            not take the field away. */}
        {kind && (
          <div hidden={step !== 3} data-testid="wizard-details">
            <p className="notice">{KIND_NEXT[kind]}</p>
            {kind === 'GME' && (
              <>
                <fieldset className="choices">
                  <legend>Forme du groupement (facultatif à ce stade)</legend>
                  {GME_FORMS.map((f) => (
                    <label key={f} className="choice">
                      <input type="radio" name="gmeForm" value={f} checked={draft.gmeForm === f} onChange={() => update('gmeForm', f)} />
                      {gmeFormLabelsFr[f]}
                    </label>
                  ))}
                </fieldset>
                <label className="choice">
                  <input type="checkbox" checked={draft.marketEnabled} onChange={(e) => update('marketEnabled', e.target.checked)} />
                  Le marché visé est déjà identifié
                </label>
                {draft.marketEnabled && (
                  <fieldset className="subform">
                    <legend>Marché visé</legend>
                    <MarketFields prefix="w" market={draft.market} onChange={(change) => setDraft((d) => ({ ...d, market: change(d.market) }))} errors={errors} />
                  </fieldset>
                )}
              </>
            )}
            {kind === 'ESSAIMAGE' && (
              <div className="field">
                <label htmlFor="w-strategy">Stratégie d’essaimage (facultatif à ce stade)</label>
                <select id="w-strategy" value={draft.strategy} onChange={(e) => update('strategy', e.target.value)}>
                  <option value="">À définir plus tard</option>
                  {ESSAIMAGE_STRATEGIES.map((s) => (
                    <option key={s} value={s}>
                      {essaimageStrategyLabelsFr[s]}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {kind !== 'GME' && kind !== 'ESSAIMAGE' && <p>Rien d’autre à préciser pour ce type de coopération au moment de la proposition.</p>}
          </div>
        )}

        {step === 4 && kind && (
          <dl className="summary" data-testid="wizard-summary">
            <Row term="Type">{cooperationKindLabelsFr[kind]}</Row>
            <Row term="Nom">{draft.name}</Row>
            <Row term="Objectifs">{draft.objectives.map((o) => objectiveLabelsFr[o as keyof typeof objectiveLabelsFr]).join(' ; ')}</Row>
            <Row term="Secteurs">{draft.sectors.map((s) => sectorLabelsFr[s as keyof typeof sectorLabelsFr]).join(' ; ') || '—'}</Row>
            <Row term="Territoire">
              {regionName(draft.regionCode)}
              {draft.departementCodes.length > 0 && ` : ${draft.departementCodes.map(departementName).join(', ')}`}
            </Row>
            {kind === 'GME' && <Row term="Forme">{draft.gmeForm ? gmeFormLabelsFr[draft.gmeForm as keyof typeof gmeFormLabelsFr] : 'À choisir plus tard'}</Row>}
            {kind === 'GME' && draft.marketEnabled && (
              <Row term="Marché visé">
                {draft.market.buyerName}, {formatEuros(parseEuros(draft.market.amount))} HT, {draft.market.duration.trim()} mois
                {draft.market.bidDeadline && `, remise des offres le ${formatDate(draft.market.bidDeadline)}`}
              </Row>
            )}
            {kind === 'ESSAIMAGE' && <Row term="Stratégie">{draft.strategy ? essaimageStrategyLabelsFr[draft.strategy as keyof typeof essaimageStrategyLabelsFr] : 'À définir plus tard'}</Row>}
            <Row term="Structure porteuse">Votre structure</Row>
          </dl>
        )}

        <div className="form__actions">
          {step > 0 && (
            <button type="button" className="button" onClick={() => (setErrors([]), setStep(step - 1))}>
              Précédent
            </button>
          )}
          <SubmitButton className="button button--primary" busy={pending !== null}>
            {step === STEPS.length - 1 ? (pending ? 'Création…' : 'Créer la coopération') : 'Suivant'}
          </SubmitButton>
        </div>
      </form>
      {askDeadline && (
        <ConfirmDialog
          title="Date limite de remise des offres déjà atteinte"
          confirmLabel="Garder cette date"
          busy={false}
          onConfirm={() => {
            setConfirmedDeadline(draft.market.bidDeadline);
            setAskDeadline(false);
            setStep(4);
          }}
          onCancel={() => {
            setAskDeadline(false);
            focusLater(marketFieldId('w', 'bidDeadline'));
          }}
        >
          <p>{frozenWarning(draft.market.bidDeadline, todayIso())}</p>
          <p>Gardez cette date seulement si les offres sont bien déjà remises ; sinon, corrigez-la.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="summary__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
