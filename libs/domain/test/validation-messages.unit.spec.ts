/**
 * VALIDATION_FAILED refusals say, in French, which field is at fault (in the words users know) and
 * what is expected; the English `field`, `expected` and `reason` stay in the details for programs.
 * The completeness test reads the sources (libs/domain/src and apps/api/src) with the TypeScript
 * parser and fails when a field, an `expected` or a `reason` written there has no French here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import {
  DomainError,
  DomainErrorCode,
  PLAYBOOKS,
  decideOrganisation,
  fieldLabelFr,
  hasFrenchRendering,
  isKnownFieldPath,
  reject,
  validationMessageFr,
  type DecideContext,
  type OrganisationCommand,
} from '@maillage/domain';
import { requireArray, requireIsoDate, requireNonNegativeAmount, requirePeriod, requireString, checkContext } from '../src/shared/validation';

const thrown = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('nothing thrown');
};

describe('field paths in French', () => {
  it.each([
    ['amount', 'le montant'],
    ['period.start', 'la date de début de la période'],
    ['period.end', 'la date de fin de la période'],
    ['criteria[0].indicators[1].unit', "l'unité de l'indicateur n° 2 du critère n° 1"],
    ['indicators[0].target', "l'objectif chiffré ou décrit de l'indicateur n° 1"],
    ['lots[2].number', 'le numéro du lot n° 3'],
    ['shares[1].percent', 'le pourcentage de la part n° 2'],
    ['networkIds[20]', 'le réseau n° 21'],
    ['networkIds', 'les réseaux'],
    ['objectives[0]', "l'objectif n° 1"],
    ['leadOrganisation.kind', 'le type de la structure porteuse'],
    ['funder.id', "l'identifiant du financeur"],
    ['data', 'les données de la commande'],
    ['data.name', 'le nom'],
    ['targetTerritories[1].departementCode', 'le département du territoire cible n° 2'],
  ])('%s is « %s »', (path, label) => {
    expect(fieldLabelFr(path)).toBe(label);
    expect(isKnownFieldPath(path)).toBe(true);
  });

  it('names an unknown field as it is, and says it is unknown', () => {
    expect(fieldLabelFr('somethingNew')).toBe('le champ « somethingNew »');
    expect(fieldLabelFr('somethingNew[0].amount')).toBe("le montant de l'élément n° 1 du champ « somethingNew »");
    expect(isKnownFieldPath('somethingNew')).toBe(false);
    expect(isKnownFieldPath('amount[0]')).toBe(false);
    expect(isKnownFieldPath('constructor')).toBe(false);
  });
});

describe('VALIDATION_FAILED messages', () => {
  it.each([
    [{ field: 'name', expected: 'non-empty string (max 200)', value: 'x'.repeat(201) }, "Le nom n'est pas valide : il faut un texte de 1 à 200 caractères."],
    [{ field: 'name', expected: 'non-empty string (max 200)', value: '  ' }, 'Le nom est à renseigner : il faut un texte de 1 à 200 caractères.'],
    [{ field: 'kind', expected: 'one of GME, GIE', value: 'X' }, "Le type n'est pas valide : il faut l'une de ces valeurs : GME, GIE."],
    [{ field: 'objectives', expected: 'array with at least 1 item(s)', value: null }, "Les objectifs sont à renseigner : il faut une liste d'au moins un élément."],
    [{ field: 'procedures', expected: 'array with at least 0 item(s)', value: '[object]' }, 'Les procédures du marché ne sont pas valides : il faut une liste (éventuellement vide).'],
    [{ field: 'sectors', expected: 'array with at least 2 item(s)', value: '[object]' }, "Les secteurs d'activité ne sont pas valides : il faut une liste d'au moins 2 éléments."],
    [
      { field: 'amount', expected: 'non-negative amount in euros with at most 2 decimals, up to 100 000 000 000', value: 1.234 },
      "Le montant n'est pas valide : il faut un montant en euros positif ou nul, avec au plus deux décimales, jusqu'à 100 000 000 000 €.",
    ],
    [{ field: 'amount', expected: 'positive amount' }, "Le montant n'est pas valide : il faut un montant positif (plus de 0 €)."],
    [
      { field: 'value', expected: 'number between -1 000 000 000 000 and 1 000 000 000 000', value: 1e13 },
      "La valeur n'est pas valide : il faut un nombre entre -1 000 000 000 000 et 1 000 000 000 000.",
    ],
    [{ field: 'lots[0].number', expected: 'positive integer', value: 0 }, "Le numéro du lot n° 1 n'est pas valide : il faut un nombre entier supérieur à zéro."],
    [{ field: 'shares[1].percent', expected: 'percentage between 0 and 100', value: 120 }, "Le pourcentage de la part n° 2 n'est pas valide : il faut un pourcentage entre 0 et 100."],
    [{ field: 'ess', expected: 'boolean', value: 'oui' }, "L'appartenance à l'ESS n'est pas valide : il faut oui ou non (true ou false)."],
    [
      { field: 'period.start', expected: 'ISO date YYYY-MM-DD (year 1000 or later)', value: '2025-02-30' },
      "La date de début de la période n'est pas valide : il faut une date au format AAAA-MM-JJ, de l'an 1000 ou après (par exemple 2025-03-01).",
    ],
    [{ field: 'period', expected: '{ start, end? }', value: null }, 'La période est à renseigner : il faut une période : sa date de début et, si elle est connue, sa date de fin.'],
    [
      { field: 'period.end', expected: 'end on or after start', value: '2024-01-01' },
      "La date de fin de la période n'est pas valide : il faut une date de fin égale ou postérieure à la date de début.",
    ],
    [
      { field: 'occurredAt', expected: 'ISO date-time', value: '2025-03-01' },
      "La date du fait n'est pas valide : il faut une date et une heure avec leur décalage horaire (RFC 3339, par exemple 2025-03-01T09:00:00Z).",
    ],
    [{ field: 'fundingId', expected: 'an id (or context.newId)', value: null }, "L'identifiant du financement est à renseigner : il faut un identifiant."],
    [{ field: 'data', expected: 'object', value: '[object]' }, "Les données de la commande ne sont pas valides : il faut un objet (des champs entre accolades)."],
    [
      { field: 'justification', expected: 'a written justification (10 characters or more)' },
      "La justification de la dérogation n'est pas valide : il faut une justification écrite d'au moins 10 caractères.",
    ],
    [{ field: 'networkIds', expected: 'at most 20 networks', value: 21 }, 'Les réseaux ne sont pas valides : il faut au plus 20 réseaux.'],
    [
      { field: 'networkIds[2]', expected: 'another organisation than itself', value: 'o1' },
      "Le réseau n° 3 n'est pas valide : il faut un autre réseau que l'organisation elle-même.",
    ],
    [
      { field: 'occurredAt', expected: 'on or after the registration (2025-03-01T09:00:00.000Z)', value: '2024-01-01T00:00:00Z' },
      "La date du fait n'est pas valide : il faut une date égale ou postérieure à l'enregistrement de l'organisation dans l'annuaire (le 1er mars 2025).",
    ],
    [
      { field: 'networkIds[0]', expected: 'an organisation of kind NETWORK', value: 'EA' },
      "Le réseau n° 1 n'est pas valide : il faut une organisation de type « réseau » de l'annuaire.",
    ],
    [{ field: 'disbursedOn', expected: 'a day not after today', value: '2999-01-01' }, "La date du versement n'est pas valide : il faut une date qui n'est pas dans le futur."],
    [{ field: 'endedOn', expected: 'on or after 2025-01-01', value: '2024-01-01' }, "La date de fin du financement n'est pas valide : il faut une date égale ou postérieure au 1er janvier 2025."],
    [{ field: 'lots[1].number', expected: 'distinct lot numbers', value: 1 }, "Le numéro du lot n° 2 n'est pas valide : il faut un numéro différent pour chaque lot."],
    [{ field: 'period.start', expected: 'a period that has begun', value: '2999-01-01' }, "La date de début de la période n'est pas valide : il faut une période déjà commencée."],
    // Reasons
    [
      { field: 'criteria[0].indicators[1].unit', reason: 'quantitative indicators need a unit' },
      "L'unité de l'indicateur n° 2 du critère n° 1 est à renseigner : un indicateur quantitatif a besoin d'une unité (par exemple « personnes », « heures » ou « € »).",
    ],
    [{ field: 'indicators[0].nature', reason: 'standard IAE indicators are quantitative' }, "La nature de l'indicateur n° 1 doit être « quantitatif » : les indicateurs standard de l'IAE se comptent."],
    [{ field: 'successorId', reason: 'same id' }, "L'identifiant de la nouvelle coopération doit être différent de celui de la coopération renouvelée."],
    [{ field: 'shares', reason: 'duplicate organisation' }, "Une même structure figure deux fois dans la répartition du capital : chaque associé n'y a qu'une ligne."],
    [{ field: 'expectedVersion', reason: 'must be 0 or more', value: -1 }, "La version attendue n'est pas valide : il faut un nombre entier positif ou nul."],
    [{ field: 'idempotencyKey', reason: '1 to 200 characters' }, "La clé d'idempotence n'est pas valide : il faut un texte de 1 à 200 caractères."],
    [
      { field: 'cooperationId', reason: 'not a UUID' },
      "L'identifiant de la coopération n'est pas valide : il faut un UUID (par exemple 3f2b8c1e-5d4a-4c3b-9e2f-1a2b3c4d5e6f), ou rien pour en obtenir un.",
    ],
    [
      { field: 'siret', reason: 'leave it out to keep it; null is not a value' },
      "Le numéro SIRET ne peut pas être effacé (null) : pour garder la valeur actuelle, n'envoyez pas ce champ.",
    ],
    // Fields refused without expected or reason
    [{ field: 'cpvCode', value: '1234' }, "Le code CPV n'est pas valide : il faut un code CPV de 8 chiffres (et sa clé), par exemple 75231240-8."],
    [
      { field: 'cpvCode', value: null },
      "Le code CPV est à renseigner pour un marché public : 8 chiffres (et sa clé), par exemple 75231240-8. Seul un contrat privé peut s'en passer.",
    ],
    [{ field: 'bidDeadline', value: 'demain' }, "La date limite de remise des offres n'est pas valide : il faut une date et une heure, par exemple 2025-03-01T12:00:00+01:00."],
    [{ field: 'type', value: 'Nope' }, "Le type de commande n'est pas valide : il faut une commande connue du domaine."],
    [{ field: 'funder.id' }, "L'identifiant du financeur n'est pas valide : il faut l'identifiant d'une organisation de l'annuaire (1 à 100 caractères)."],
    // A gate item whose absence is a VALIDATION_FAILED
    [{ itemId: 'objectives-stated', stage: 'DECISION', missing: ['objectives-stated'] }, expect.stringMatching(/^Les objectifs de la coopération doivent être énoncés/)],
    // Nothing named: the generic sentence
    [{}, 'Données invalides.'],
  ])('%j', (details, message) => {
    expect(validationMessageFr(details)).toEqual(message);
    expect(new DomainError(DomainErrorCode.VALIDATION_FAILED, details).message).toEqual(message);
  });

  it('keeps the details (English expected and reason) as they are, and an explicit message', () => {
    const details = { field: 'amount', expected: 'positive amount' };
    const error = reject(DomainErrorCode.VALIDATION_FAILED, details);
    expect(error.details).toEqual({ field: 'amount', expected: 'positive amount' });
    expect(reject(DomainErrorCode.VALIDATION_FAILED, details, 'Autre message.').message).toBe('Autre message.');
    // Other codes keep their own sentence.
    expect(reject(DomainErrorCode.NOT_FOUND, { field: 'amount' }).message).toBe('Élément introuvable.');
  });

  it('the shared guards and the organisation decider refuse in French', () => {
    expect(thrown(() => requireString('', 'name', 300)).message).toBe('Le nom est à renseigner : il faut un texte de 1 à 300 caractères.');
    expect(thrown(() => requireArray('x', 'indicators', 1)).message).toBe("Les indicateurs ne sont pas valides : il faut une liste d'au moins un élément.");
    expect(thrown(() => requireNonNegativeAmount(-1, 'amountExclVat')).message).toMatch(/^Le montant hors taxes n'est pas valide : il faut un montant en euros positif ou nul/);
    expect(thrown(() => requireIsoDate('01/03/2025', 'openedOn')).message).toMatch(/^La date d'ouverture n'est pas valide : il faut une date au format AAAA-MM-JJ/);
    expect(thrown(() => requirePeriod({ start: '2025-03-01', end: '2025-01-01' }, 'period')).message).toBe(
      "La date de fin de la période n'est pas valide : il faut une date de fin égale ou postérieure à la date de début.",
    );
    expect(thrown(() => checkContext({ now: '2025-03-01T00:00:00Z', occurredAt: '2025-03-01' })).message).toMatch(/^La date du fait n'est pas valide : il faut une date et une heure/);

    const ctx = (occurredAt: string): DecideContext => ({ now: '2025-06-01T00:00:00Z', occurredAt });
    const register = (data: Record<string, unknown>) =>
      ({ type: 'RegisterOrganisation', data: { organisationId: 'o1', name: 'Tremplin Travail', kind: 'AI', regionCode: '52', departementCode: '49', ...data } }) as OrganisationCommand;
    const none = { status: 'NONE' } as never;
    const networks = Array.from({ length: 21 }, (_, i) => `n${i}`);
    expect(thrown(() => decideOrganisation(register({ networkIds: networks }), none, ctx('2025-03-01T00:00:00Z'))).message).toBe(
      'Une organisation appartient à 20 réseaux au plus : 21 réseaux différents sont indiqués.',
    );
    expect(thrown(() => decideOrganisation(register({ networkIds: ['n1', 'o1'] }), none, ctx('2025-03-01T00:00:00Z'))).message).toBe(
      "Une organisation n'est pas son propre réseau : retirez-la de ses réseaux (réseau n° 2).",
    );
    const siret = thrown(() => decideOrganisation(register({ siret: '1234 5678 901234' }), none, ctx('2025-03-01T00:00:00Z')));
    expect([siret.code, siret.details]).toEqual([DomainErrorCode.INVALID_SIRET, { field: 'siret', siret: '1234 5678 901234' }]);
    expect(siret.message).toBe(
      "Le numéro SIRET « 1234 5678 901234 » n'est pas valide : il faut les 14 chiffres de l'établissement (SIREN et NIC), dont le dernier est une clé de contrôle ; recopiez-le depuis l'avis de situation Sirene ou le Kbis.",
    );
    expect(thrown(() => decideOrganisation(register({ name: '' }), none, ctx('2025-03-01T00:00:00Z'))).message).toBe(
      'Le nom est à renseigner : il faut un texte de 1 à 300 caractères.',
    );
    expect(thrown(() => decideOrganisation(register({ kind: 'NOPE' }), none, ctx('2025-03-01T00:00:00Z'))).message).toMatch(
      /^Le type n'est pas valide : il faut l'une de ces valeurs : /,
    );
    const registered = { status: 'ACTIVE', id: 'o1', registeredAt: '2025-03-01T09:00:00.000Z', networkIds: [] } as never;
    const update = { type: 'UpdateOrganisation', data: { name: 'Autre' } } as OrganisationCommand;
    const before = thrown(() => decideOrganisation(update, registered, ctx('2025-02-01T00:00:00Z')));
    expect(before.message).toBe(
      "Cette modification ne peut pas être datée avant l'enregistrement de l'organisation dans l'annuaire (le 1er mars 2025) : datez-la de ce jour ou d'après.",
    );
    expect(before.details).toEqual({ field: 'occurredAt', expected: 'on or after the registration (2025-03-01T09:00:00.000Z)', value: '2025-02-01T00:00:00Z' });
  });
});

// ---------------------------------------------------------------------------------------------
// Completeness: every VALIDATION_FAILED written in the sources has a French rendering.

const ROOT = join(__dirname, '..', '..', '..');
const SOURCE_DIRS = [join(ROOT, 'libs', 'domain', 'src'), join(ROOT, 'apps', 'api', 'src')];

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') && !f.endsWith('.spec.ts') ? [join(dir, f)] : [],
  );

/** A string written in the source: its text, with `${…}` placeholders kept apart. */
interface Written {
  parts: string[];
  where: string;
}

const writtenText = (node: ts.Node | undefined): string[] | null => {
  if (!node) return null;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
  return null;
};

/** A field path as written, `${…}` in brackets read as an index, elsewhere as a wrapper adding nothing. */
const samplePath = (parts: string[]): string => parts.join('\0').replace(/\[\0\]/g, '[0]').replace(/\0/g, 'data');

const sampleTexts = (parts: string[]): string[] => ['1', '2025-01-01', 'A, B'].map((v) => parts.join(v));

interface Scan {
  fields: Written[];
  refusals: { details: Record<string, Written | 'dynamic'>; where: string }[];
  expectations: Written[];
}

const scanSources = (): Scan => {
  const sources = SOURCE_DIRS.flatMap(files).map((f) => ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true));
  // Functions taking a `field` (or an `expected`): the argument at that place, wherever they are called.
  const fieldParam = new Map<string, number>();
  const expectedParam = new Map<string, number>();
  const collectParams = (node: ts.Node) => {
    let name: string | null = null;
    let fn: ts.SignatureDeclaration | null = null;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isArrowFunction(node.initializer)) {
      name = node.name.text;
      fn = node.initializer;
    } else if (ts.isFunctionDeclaration(node) && node.name) {
      name = node.name.text;
      fn = node;
    }
    // Only functions that validate (a guard, or a refusal of their own): not every `field` parameter is one.
    if (name && fn && /VALIDATION_FAILED|invalid\(|require[A-Z]\w*\(/.test(fn.getText()))
      fn.parameters.forEach((p, i) => {
        if (ts.isIdentifier(p.name) && p.name.text === 'field') fieldParam.set(name, i);
        if (ts.isIdentifier(p.name) && p.name.text === 'expected') expectedParam.set(name, i);
      });
    ts.forEachChild(node, collectParams);
  };
  sources.forEach(collectParams);

  const scan: Scan = { fields: [], refusals: [], expectations: [] };
  for (const source of sources) {
    const where = (node: ts.Node) => `${source.fileName.slice(ROOT.length + 1)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
        const callee = node.expression.text;
        const f = fieldParam.get(callee);
        const fieldText = f === undefined ? null : writtenText(node.arguments[f]);
        // '' is no field: the guards' "no prefix" (a location at the command's top level).
        if (fieldText && fieldText.join('') !== '') scan.fields.push({ parts: fieldText, where: where(node) });
        const e = expectedParam.get(callee);
        const expectedText = e === undefined ? null : writtenText(node.arguments[e]);
        if (expectedText) scan.expectations.push({ parts: expectedText, where: where(node) });
      }
      const refusal =
        (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'reject') ||
        (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'DomainError')
          ? node
          : null;
      const isRefusal = refusal !== null;
      const args = refusal?.arguments ?? [];
      // A refusal with a message of its own needs none from the details.
      if (isRefusal && args[0]?.getText().endsWith('VALIDATION_FAILED') && args.length < 3) {
        const details: Record<string, Written | 'dynamic'> = {};
        const literal = args[1];
        if (literal && ts.isObjectLiteralExpression(literal))
          for (const p of literal.properties) {
            const key = p.name && ts.isIdentifier(p.name) ? p.name.text : null;
            if (key !== 'field' && key !== 'expected' && key !== 'reason') continue;
            const text = ts.isPropertyAssignment(p) ? writtenText(p.initializer) : null;
            details[key] = text ? { parts: text, where: where(p) } : 'dynamic';
          }
        scan.refusals.push({ details, where: where(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return scan;
};

describe('every VALIDATION_FAILED of the sources has a French rendering', () => {
  const scan = scanSources();

  it('finds the guards, the refusals and their fields', () => {
    expect(scan.fields.length).toBeGreaterThan(100);
    expect(scan.refusals.length).toBeGreaterThan(15);
    expect(scan.expectations.length).toBeGreaterThan(10);
    const paths = scan.fields.map((f) => samplePath(f.parts));
    for (const path of ['amount', 'period', 'data.start', 'lots[0].number', 'data.unit', 'networkIds[0]']) expect([path, paths.includes(path)]).toEqual([path, true]);
  });

  it('every field path has French words', () => {
    const unknown = scan.fields.map((f) => [samplePath(f.parts), f.where] as const).filter(([path]) => !isKnownFieldPath(path));
    expect(unknown).toEqual([]);
  });

  it('every expected passed to the shared guards has French words', () => {
    const unknown = scan.expectations.filter((e) => !sampleTexts(e.parts).some((expected) => hasFrenchRendering({ field: 'data', expected }))).map((e) => e.where);
    expect(unknown).toEqual([]);
  });

  it('every refusal (field, expected, reason) has a French message', () => {
    const unrendered = scan.refusals
      .filter(({ details }) => {
        const field = details.field;
        if (field === undefined) return true;
        const fieldPath = field === 'dynamic' ? 'data' : samplePath(field.parts);
        const variants = (key: 'expected' | 'reason'): (string | undefined)[] => {
          const written = details[key];
          return written === undefined ? [undefined] : written === 'dynamic' ? [] : sampleTexts(written.parts);
        };
        if (details.expected === 'dynamic' || details.reason === 'dynamic') return false; // a parameter: checked where it is written
        return !variants('expected').some((expected) =>
          variants('reason').some((reason) => hasFrenchRendering({ field: fieldPath, ...(expected ? { expected } : {}), ...(reason ? { reason } : {}) })),
        );
      })
      .map((r) => r.where);
    expect(unrendered).toEqual([]);
  });

  it('every gate item refused as VALIDATION_FAILED has its sentence', () => {
    const items = Object.values(PLAYBOOKS).flatMap((stages) => Object.values(stages).flat()).filter((i) => i.errorCode === DomainErrorCode.VALIDATION_FAILED);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect([item.id, hasFrenchRendering({ itemId: item.id, stage: 'DECISION', missing: [item.id] })]).toEqual([item.id, true]);
  });

  it('the check itself fails on a field, an expected or a reason without French', () => {
    expect(hasFrenchRendering({ field: 'somethingNew', expected: 'positive amount' })).toBe(false);
    expect(hasFrenchRendering({ field: 'amount', expected: 'a brand new expectation' })).toBe(false);
    expect(hasFrenchRendering({ field: 'amount', reason: 'a brand new reason' })).toBe(false);
    expect(hasFrenchRendering({ field: 'amount' })).toBe(false);
    expect(hasFrenchRendering({ itemId: 'unknown-item' })).toBe(false);
  });
});
