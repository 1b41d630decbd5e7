import { STAGES, stageLabelsFr, type Stage } from '../labels';

/** The five stages as an ordered list: done, current (aria-current="step"), to come. */
export function Stepper({ stage, status }: { stage: string; status: string }) {
  const current = STAGES.indexOf(stage as Stage);
  return (
    <nav aria-label="Étapes de la coopération" className="stepper-nav">
      <ol className="stepper" data-testid="stepper">
        {STAGES.map((s, i) => {
          const state = i < current ? 'done' : i === current ? 'current' : 'todo';
          const suffix = state === 'done' ? ' (terminée)' : state === 'current' ? (status === 'ACTIVE' ? ' (en cours)' : '') : ' (à venir)';
          return (
            <li key={s} className={`stepper__step stepper__step--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              <span className="stepper__index" aria-hidden="true">
                {state === 'done' ? '✓' : i + 1}
              </span>
              <span className="stepper__label">
                {stageLabelsFr[s]}
                <span className="visually-hidden">{suffix}</span>
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
