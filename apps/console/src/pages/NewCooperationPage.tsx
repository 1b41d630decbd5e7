import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useCommand } from '../command';
import { PageTitle } from '../components/ui';
import {
  ESSAIMAGE_STRATEGIES,
  GME_FORMS,
  KINDS,
  MARKET_PROCEDURES,
  OBJECTIVES,
  SECTORS,
  cooperationKindLabelsFr,
  essaimageStrategyLabelsFr,
  gmeFormLabelsFr,
  marketProcedureLabelsFr,
  objectiveLabelsFr,
  sectorLabelsFr,
  type CooperationKind,
} from '../labels';
import { useRouter } from '../router';
import { useSession } from '../session-context';
import { departementName, departementsOf, regionName } from '../territory';
import { RegionOptions } from '../components/TerritoryOptions';
import { formatEuros } from '../format';

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
  buyerName: string;
  cpvCode: string;
  amountExclVat: string;
  durationMonths: string;
  procedures: string[];
  bidDeadline: string;
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
  buyerName: '',
  cpvCode: '',
  amountExclVat: '',
  durationMonths: '',
  procedures: [],
  bidDeadline: '',
  strategy: '',
};

const STEPS = ['Type de coopération', 'Le projet', 'Territoire', 'Précisions', 'Vérification'] as const;

function validate(step: number, d: Draft): string[] {
  const errors: string[] = [];
  if (step === 0 && !d.kind) errors.push('Choisissez un type de coopération.');
  if (step === 1) {
    if (d.name.trim().length < 3) errors.push('Donnez un nom à la coopération (3 caractères au moins).');
    if (d.objectives.length === 0) errors.push('Cochez au moins un objectif.');
  }
  if (step === 2 && !d.regionCode) errors.push('Choisissez la région.');
  if (step === 3 && d.kind === 'GME' && d.marketEnabled) {
    if (!d.buyerName.trim()) errors.push('Indiquez l’acheteur du marché.');
    // A private contract may have no CPV code (the code classifies public procurement).
    const privateOnly = d.procedures.length > 0 && d.procedures.every((p) => p === 'PRIVATE_CONTRACT');
    if (!/^\d{8}$/.test(d.cpvCode) && !(privateOnly && d.cpvCode === ''))
      errors.push(privateOnly ? 'Le code CPV, s’il est indiqué, comporte 8 chiffres.' : 'Le code CPV comporte 8 chiffres (facultatif pour un marché privé seulement).');
    if (!(Number(d.amountExclVat) > 0)) errors.push('Indiquez le montant hors taxes du marché.');
    if (!(Number(d.durationMonths) > 0)) errors.push('Indiquez la durée du marché en mois.');
    if (d.procedures.length === 0) errors.push('Cochez au moins une procédure.');
  }
  return errors;
}

export function NewCooperationPage() {
  const { session } = useSession();
  const { navigate } = useRouter();
  const { run, pending } = useCommand();
  const [step, setStep] = useState(0);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<string[]>([]);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const errorSummary = useRef<HTMLDivElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    stepHeading.current?.focus();
  }, [step]);
  useEffect(() => {
    if (errors.length) errorSummary.current?.focus();
  }, [errors]);

  const update = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const toggle = (key: 'objectives' | 'sectors' | 'departementCodes' | 'procedures', value: string) =>
    setDraft((d) => ({ ...d, [key]: d[key].includes(value) ? d[key].filter((v) => v !== value) : [...d[key], value] }));

  const next = (event: FormEvent) => {
    event.preventDefault();
    const found = validate(step, draft);
    setErrors(found);
    if (found.length) return;
    if (step < STEPS.length - 1) setStep(step + 1);
    else void create();
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
    const follow = async (name: string, input: Record<string, unknown>) => {
      const r = await run(name, { cooperationId, expectedVersion: version, ...input });
      if (r.result) version = r.result.version;
    };
    if (draft.kind === 'GME' && draft.gmeForm) await follow('setGmeForm', { form: draft.gmeForm });
    if (draft.kind === 'GME' && draft.marketEnabled)
      await follow('recordMarket', {
        buyerName: draft.buyerName.trim(),
        cpvCode: draft.cpvCode || null,
        amountExclVat: Number(draft.amountExclVat),
        durationMonths: Number(draft.durationMonths),
        procedures: draft.procedures,
        ...(draft.bidDeadline ? { bidDeadline: draft.bidDeadline } : {}),
      });
    if (draft.kind === 'ESSAIMAGE' && draft.strategy) await follow('chooseEssaimageStrategy', { strategy: draft.strategy });
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
        {errors.length > 0 && (
          <div className="error-box" role="alert" tabIndex={-1} ref={errorSummary} data-testid="wizard-errors">
            <p>Vérifiez votre saisie :</p>
            <ul>
              {errors.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          </div>
        )}

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

        {step === 3 && kind && (
          <>
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
                    <div className="grid-2">
                      <div className="field">
                        <label htmlFor="w-buyer">Acheteur</label>
                        <input id="w-buyer" value={draft.buyerName} onChange={(e) => update('buyerName', e.target.value)} />
                      </div>
                      <div className="field">
                        <label htmlFor="w-cpv">Code CPV (8 chiffres), facultatif pour un marché privé</label>
                        <input id="w-cpv" inputMode="numeric" value={draft.cpvCode} onChange={(e) => update('cpvCode', e.target.value.trim())} />
                      </div>
                      <div className="field">
                        <label htmlFor="w-amount">Montant hors taxes (€)</label>
                        <input id="w-amount" inputMode="decimal" value={draft.amountExclVat} onChange={(e) => update('amountExclVat', e.target.value)} />
                      </div>
                      <div className="field">
                        <label htmlFor="w-duration">Durée (mois)</label>
                        <input id="w-duration" inputMode="numeric" value={draft.durationMonths} onChange={(e) => update('durationMonths', e.target.value)} />
                      </div>
                      <div className="field">
                        <label htmlFor="w-deadline">Date limite de remise des offres</label>
                        <input id="w-deadline" type="date" value={draft.bidDeadline} onChange={(e) => update('bidDeadline', e.target.value)} />
                      </div>
                    </div>
                    <Checkboxes legend="Procédures" name="procedures" values={MARKET_PROCEDURES} labels={marketProcedureLabelsFr} checked={draft.procedures} onToggle={(v) => toggle('procedures', v)} />
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
          </>
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
                {draft.buyerName}, {formatEuros(Number(draft.amountExclVat))} HT, {draft.durationMonths} mois
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
          <button type="submit" className="button button--primary" disabled={pending !== null}>
            {step === STEPS.length - 1 ? (pending ? 'Création…' : 'Créer la coopération') : 'Suivant'}
          </button>
        </div>
      </form>
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

export function Checkboxes({
  legend,
  name,
  values,
  labels,
  checked,
  onToggle,
  columns,
}: {
  legend: string;
  name: string;
  values: readonly string[];
  labels: Record<string, string>;
  checked: string[];
  onToggle: (value: string) => void;
  columns?: boolean;
}) {
  return (
    <fieldset className={`choices${columns ? ' choices--columns' : ''}`}>
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v} className="choice">
          <input type="checkbox" name={name} value={v} checked={checked.includes(v)} onChange={() => onToggle(v)} />
          {labels[v] ?? v}
        </label>
      ))}
    </fieldset>
  );
}
