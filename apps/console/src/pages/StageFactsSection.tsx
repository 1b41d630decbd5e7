import { useState, type FormEvent } from 'react';
import type { CooperationView } from '../api';
import { settle, useCommand } from '../command';
import { OrganisationCombobox, type PickedOrganisation } from '../components/OrganisationCombobox';
import { Badge, Section, SubmitButton, focusLater } from '../components/ui';
import { FieldMessage, fieldAria } from '../components/FieldMessage';
import { dateProblem } from '../dates';
import { formatDate, todayIso } from '../format';
import {
  ESSAIMAGE_POTENTIALS,
  ESSAIMAGE_STRATEGIES,
  EVALUATION_STEPS,
  STAGES,
  essaimagePotentialLabelsFr,
  essaimageStrategyLabelsFr,
  evaluationStepLabelsFr,
  type Stage,
} from '../labels';
import { departementName, regionName } from '../territory';
import { DepartementOptions, RegionOptions } from '../components/TerritoryOptions';

type Coop = CooperationView;
type Reload = () => Promise<void>;

/** The latest summary of each evaluation step recorded (a step recorded again replaces the earlier one). */
export const evaluationSummaries = (coop: Pick<Coop, 'evaluations'>): Map<string, string> => new Map(coop.evaluations.map((e) => [e.step, e.summary]));

const atOrAfter = (coop: Coop, stage: Stage) => STAGES.indexOf(coop.stage as Stage) >= STAGES.indexOf(stage);
const REGISTERED_KINDS = ['GIE', 'GES', 'PTCE', 'JVS', 'ESSAIMAGE'];

/**
 * The facts of the later stage gates that are not deliverables: essaimage strategy and first site,
 * registration of the structure created, Le Rameau evaluation steps, lessons with the essaimage
 * potential. They come from the cooperation query (`essaimage`, `structure`, `evaluations`,
 * `lessons`), so a view "as of" a past date shows them as they were then.
 */
export function StageFactsSection({ coop, editable, reload }: { coop: Coop; editable: boolean; reload: Reload }) {
  const strategy = coop.essaimage?.strategy ?? null;
  const targets = coop.essaimage?.targetTerritories ?? [];
  const sites = coop.essaimage?.sites ?? [];
  const evaluations = evaluationSummaries(coop);
  const essaimage = coop.kind === 'ESSAIMAGE';
  const registers = REGISTERED_KINDS.includes(coop.kind) && atOrAfter(coop, 'FEASIBILITY');
  const capitalising = atOrAfter(coop, 'OPERATION');
  const hasAnything = strategy || sites.length || coop.structure || evaluations.size || coop.lessons.length;
  if (!essaimage && !registers && !capitalising && !hasAnything) return null;

  return (
    <Section title="Étapes clés : essaimage, structure, évaluation et enseignements" id="faits">
      {essaimage && (
        <div className="fact-block" data-testid="essaimage-facts">
          <h3>Essaimage</h3>
          <p>
            Stratégie :{' '}
            {strategy ? (
              <>
                <strong>{coop.essaimage?.strategyLabel ?? essaimageStrategyLabelsFr[strategy as keyof typeof essaimageStrategyLabelsFr] ?? strategy}</strong>
                {targets.length > 0 &&
                  ` — territoire${targets.length > 1 ? 's' : ''} cible : ${targets.map((t) => `${departementName(t.departementCode)} (${regionName(t.regionCode)})`).join(', ')}`}
              </>
            ) : (
              <span className="muted">non choisie</span>
            )}
          </p>
          {sites.length > 0 ? (
            <ul className="plain-list" data-testid="sites">
              {sites.map((site) => (
                <li key={site.siteId}>
                  Site « {site.name} » — {departementName(site.departementCode)}, ouvert le {formatDate(site.openedOn)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Aucun nouveau site ouvert.</p>
          )}
          {editable && <StrategyForm coop={coop} reload={reload} current={strategy ?? ''} />}
          {editable && atOrAfter(coop, 'FEASIBILITY') && <OpenSiteForm coop={coop} reload={reload} defaultRegion={targets[0]?.regionCode ?? coop.regionCode} />}
        </div>
      )}
      {(registers || coop.structure) && (
        <div className="fact-block" data-testid="structure-facts">
          <h3>Structure créée</h3>
          {coop.structure ? (
            <p>
              Immatriculée : SIREN <strong>{coop.structure.siren}</strong>
              {coop.structure.legalForm ? ` (${coop.structure.legalForm})` : ''}
            </p>
          ) : (
            <p className="muted">Pas encore immatriculée.</p>
          )}
          {editable && !coop.structure && <StructureForm coop={coop} reload={reload} />}
        </div>
      )}
      {(capitalising || evaluations.size > 0 || coop.lessons.length > 0) && (
        <>
          <div className="fact-block" data-testid="evaluation-facts">
            <h3>Évaluation du partenariat (Le Rameau)</h3>
            <ul className="checklist checklist--compact">
              {EVALUATION_STEPS.map((step) => {
                const summary = evaluations.get(step);
                return (
                  <li key={step} className={`checklist__item checklist__item--${summary !== undefined ? 'satisfied' : 'missing'}`}>
                    <span className="checklist__icon" aria-hidden="true">
                      {summary !== undefined ? '✓' : '○'}
                    </span>
                    <div className="checklist__body">
                      <p className="checklist__label">
                        {evaluationStepLabelsFr[step]} <Badge tone={summary !== undefined ? 'ok' : 'neutral'}>{summary !== undefined ? 'Réalisée' : 'À faire'}</Badge>
                      </p>
                      {summary && <p className="muted">{summary}</p>}
                    </div>
                  </li>
                );
              })}
            </ul>
            {editable && <EvaluationForm coop={coop} reload={reload} done={evaluations} />}
          </div>
          <div className="fact-block" data-testid="lesson-facts">
            <h3>Enseignements</h3>
            {coop.lessons.length === 0 ? (
              <p className="muted">Aucun enseignement enregistré.</p>
            ) : (
              <ul className="plain-list">
                {coop.lessons.map((lesson) => {
                  const potential = lesson.essaimagePotential
                    ? (lesson.essaimagePotentialLabel ?? essaimagePotentialLabelsFr[lesson.essaimagePotential as keyof typeof essaimagePotentialLabelsFr] ?? lesson.essaimagePotential)
                    : null;
                  return (
                    <li key={lesson.lessonId}>
                      {lesson.text}{' '}
                      <span className="muted">
                        ({formatDate(lesson.recordedAt)}
                        {potential ? ` — potentiel d’essaimage : ${potential}` : ''})
                      </span>
                    </li>
                  );
                })}
              </ul>
            )}
            {editable && <LessonForm coop={coop} reload={reload} />}
          </div>
        </>
      )}
    </Section>
  );
}

function StrategyForm({ coop, reload, current }: { coop: Coop; reload: Reload; current: string }) {
  const { run, pending } = useCommand();
  const [picked, setPicked] = useState('');
  // The recorded strategy is preselected until the user picks another one.
  const strategy = picked || current;
  const [region, setRegion] = useState(coop.regionCode);
  const [departement, setDepartement] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const input = { cooperationId: coop.id, expectedVersion: coop.version, strategy, targetTerritories: [{ regionCode: region, departementCode: departement }] };
    if (await settle(await run('chooseEssaimageStrategy', input, 'Stratégie d’essaimage et territoire cible enregistrés.'), reload, () => setDepartement(''))) focusLater('ess-strategy', 'faits');
  };
  return (
    <form className="inline-form inline-form--row" onSubmit={(e) => void submit(e)} aria-label="Choisir la stratégie d’essaimage et le territoire cible" data-testid="strategy-form">
      <div className="field">
        <label htmlFor="ess-strategy">Stratégie d’essaimage</label>
        <select id="ess-strategy" value={strategy} onChange={(e) => setPicked(e.target.value)}>
          <option value="">Choisir</option>
          {ESSAIMAGE_STRATEGIES.map((s) => (
            <option key={s} value={s}>
              {essaimageStrategyLabelsFr[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="ess-region">Région cible</label>
        <select id="ess-region" value={region} onChange={(e) => (setRegion(e.target.value), setDepartement(''))}>
          <RegionOptions />
        </select>
      </div>
      <div className="field">
        <label htmlFor="ess-departement">Département cible</label>
        <select id="ess-departement" value={departement} onChange={(e) => setDepartement(e.target.value)}>
          <option value="">Choisir</option>
          <DepartementOptions region={region} />
        </select>
      </div>
      <SubmitButton disabled={!strategy || !departement} busy={pending !== null}>
        Enregistrer la stratégie
      </SubmitButton>
    </form>
  );
}

function OpenSiteForm({ coop, reload, defaultRegion }: { coop: Coop; reload: Reload; defaultRegion: string }) {
  const { run, pending } = useCommand();
  const [name, setName] = useState('');
  const [region, setRegion] = useState(defaultRegion);
  const [departement, setDepartement] = useState('');
  const [openedOn, setOpenedOn] = useState('');
  const [operator, setOperator] = useState<PickedOrganisation | null>(null);
  const [pickerKey, setPickerKey] = useState(0);
  const [openedError, setOpenedError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const problem = dateProblem('site-opened', openedOn, 'Indiquez la date d’ouverture du site.');
    setOpenedError(problem);
    if (problem) {
      focusLater('site-opened');
      return;
    }
    const input = {
      cooperationId: coop.id,
      expectedVersion: coop.version,
      name: name.trim(),
      location: { regionCode: region, departementCode: departement },
      openedOn,
      ...(operator ? { operatorOrganisationId: operator.id } : {}),
    };
    if (
      await settle(await run('openSite', input, `Site « ${name.trim()} » ouvert.`), reload, () => {
        setName('');
        setDepartement('');
        setOpenedOn('');
        setOperator(null);
        setPickerKey((k) => k + 1);
      })
    )
      focusLater('site-name', 'faits');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Ouvrir un nouveau site" data-testid="site-form" noValidate>
      <div className="grid-2">
        <div className="field">
          <label htmlFor="site-name">Nom du nouveau site</label>
          <input id="site-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </div>
        <div className="field">
          <label htmlFor="site-opened">Date d’ouverture</label>
          <input id="site-opened" type="date" max={todayIso()} value={openedOn} onChange={(e) => setOpenedOn(e.target.value)} {...fieldAria('site-opened', openedError)} />
          <FieldMessage id="site-opened" message={openedError} />
        </div>
        <div className="field">
          <label htmlFor="site-region">Région du site</label>
          <select id="site-region" value={region} onChange={(e) => (setRegion(e.target.value), setDepartement(''))}>
            <RegionOptions />
          </select>
        </div>
        <div className="field">
          <label htmlFor="site-departement">Département du site</label>
          <select id="site-departement" value={departement} onChange={(e) => setDepartement(e.target.value)}>
            <option value="">Choisir</option>
            <DepartementOptions region={region} />
          </select>
        </div>
      </div>
      <OrganisationCombobox
        key={pickerKey}
        id="site-operator"
        label="Structure qui exploite le site (facultatif)"
        hint="Tapez au moins deux lettres de son nom, ou son SIRET."
        value={operator}
        onChange={setOperator}
      />
      <p>
        <SubmitButton className="button button--primary" disabled={!name.trim() || !departement} busy={pending !== null}>
          Ouvrir le site
        </SubmitButton>
      </p>
    </form>
  );
}

function StructureForm({ coop, reload }: { coop: Coop; reload: Reload }) {
  const { run, pending } = useCommand();
  const [siren, setSiren] = useState('');
  const [legalForm, setLegalForm] = useState('');
  const digits = siren.replace(/\s/g, '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const input = { cooperationId: coop.id, expectedVersion: coop.version, siren: digits, ...(legalForm.trim() ? { legalForm: legalForm.trim() } : {}) };
    if (await settle(await run('recordStructureRegistration', input, 'Immatriculation de la structure enregistrée.'), reload, () => (setSiren(''), setLegalForm('')))) focusLater('structure-siren', 'faits');
  };
  return (
    <form className="inline-form inline-form--row" onSubmit={(e) => void submit(e)} aria-label="Enregistrer l’immatriculation de la structure" data-testid="structure-form">
      <div className="field">
        <label htmlFor="structure-siren">SIREN (9 chiffres)</label>
        <input id="structure-siren" inputMode="numeric" autoComplete="off" value={siren} onChange={(e) => setSiren(e.target.value)} aria-describedby="structure-siren-aide" />
        <p id="structure-siren-aide" className="hint">
          Numéro attribué à la structure créée (vérifié par la clé de Luhn).
        </p>
      </div>
      <div className="field">
        <label htmlFor="structure-form-juridique">Forme juridique (facultatif)</label>
        <input id="structure-form-juridique" autoComplete="off" value={legalForm} onChange={(e) => setLegalForm(e.target.value)} />
      </div>
      <SubmitButton disabled={!/^\d{9}$/.test(digits)} busy={pending !== null}>
        Enregistrer l’immatriculation
      </SubmitButton>
    </form>
  );
}

function EvaluationForm({ coop, reload, done }: { coop: Coop; reload: Reload; done: Map<string, string> }) {
  const { run, pending } = useCommand();
  const next = EVALUATION_STEPS.find((s) => !done.has(s)) ?? '';
  const [step, setStep] = useState('');
  const [summary, setSummary] = useState('');
  const chosen = step || next;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const label = evaluationStepLabelsFr[chosen as keyof typeof evaluationStepLabelsFr];
    if (
      await settle(
        await run('recordEvaluation', { cooperationId: coop.id, expectedVersion: coop.version, step: chosen, summary: summary.trim() }, `Étape d’évaluation « ${label} » enregistrée.`),
        reload,
        () => (setStep(''), setSummary('')),
      )
    )
      focusLater('eval-step', 'faits');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Enregistrer une étape d’évaluation" data-testid="evaluation-form">
      <div className="field">
        <label htmlFor="eval-step">Étape d’évaluation</label>
        <select id="eval-step" value={chosen} onChange={(e) => setStep(e.target.value)}>
          <option value="">Choisir</option>
          {EVALUATION_STEPS.map((s) => (
            <option key={s} value={s}>
              {evaluationStepLabelsFr[s]}
              {done.has(s) ? ' (déjà réalisée)' : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="eval-summary">Synthèse</label>
        <textarea id="eval-summary" rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />
      </div>
      <SubmitButton disabled={!chosen || !summary.trim()} busy={pending !== null}>
        Enregistrer l’étape d’évaluation
      </SubmitButton>
    </form>
  );
}

function LessonForm({ coop, reload }: { coop: Coop; reload: Reload }) {
  const { run, pending } = useCommand();
  const [text, setText] = useState('');
  const [potential, setPotential] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const input = { cooperationId: coop.id, expectedVersion: coop.version, text: text.trim(), ...(potential ? { essaimagePotential: potential } : {}) };
    if (await settle(await run('recordLesson', input, 'Enseignement enregistré.'), reload, () => (setText(''), setPotential('')))) focusLater('lesson-text', 'faits');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Enregistrer un enseignement" data-testid="lesson-form">
      <div className="field">
        <label htmlFor="lesson-text">Enseignement</label>
        <textarea id="lesson-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <fieldset className="choices choices--row">
        <legend>Potentiel d’essaimage de la coopération</legend>
        <div className="choices__row">
          {ESSAIMAGE_POTENTIALS.map((p) => (
            <label key={p} className="choice">
              <input type="radio" name="lesson-potential" value={p} checked={potential === p} onChange={() => setPotential(p)} /> {essaimagePotentialLabelsFr[p]}
            </label>
          ))}
          <label className="choice">
            <input type="radio" name="lesson-potential" value="" checked={potential === ''} onChange={() => setPotential('')} /> Non précisé
          </label>
        </div>
      </fieldset>
      <SubmitButton disabled={!text.trim()} busy={pending !== null}>
        Enregistrer l’enseignement
      </SubmitButton>
    </form>
  );
}
