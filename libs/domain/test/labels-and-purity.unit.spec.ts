import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ABANDON_REASONS,
  CLOSE_OUTCOMES,
  COOPERATION_COMMAND_TYPES,
  COOPERATION_EVENT_TYPES,
  COOPERATION_KINDS,
  DELIVERABLE_KINDS,
  DEPARTEMENTS,
  DOMAIN_ERROR_CODES,
  ESSAIMAGE_STRATEGIES,
  EVALUATION_STEPS,
  GME_FORMS,
  MARKET_PROCEDURES,
  MEMBER_ROLES,
  OBJECTIVES,
  ORGANISATION_COMMAND_TYPES,
  ORGANISATION_EVENT_TYPES,
  ORGANISATION_KINDS,
  PLAYBOOKS,
  REGIONS,
  SECTORS,
  STAGES,
  STANDARD_INDICATORS,
  SUPPORT_KINDS,
  departementBelongsToRegion,
  departementsOfRegion,
  isDepartementCode,
  isRegionCode,
  validateTerritory,
  findDepartement,
  labelsFr,
} from '@maillage/domain';

describe('French labels', () => {
  it.each([
    ['cooperationKind', COOPERATION_KINDS],
    ['stage', STAGES],
    ['objective', OBJECTIVES],
    ['sector', SECTORS],
    ['memberRole', MEMBER_ROLES],
    ['organisationKind', ORGANISATION_KINDS],
    ['gmeForm', GME_FORMS],
    ['marketProcedure', MARKET_PROCEDURES],
    ['essaimageStrategy', ESSAIMAGE_STRATEGIES],
    ['deliverableKind', DELIVERABLE_KINDS],
    ['abandonReason', ABANDON_REASONS],
    ['closeOutcome', CLOSE_OUTCOMES],
    ['supportKind', SUPPORT_KINDS],
    ['standardIndicator', STANDARD_INDICATORS],
    ['evaluationStep', EVALUATION_STEPS],
    ['eventType', [...COOPERATION_EVENT_TYPES, ...ORGANISATION_EVENT_TYPES]],
    ['command', [...COOPERATION_COMMAND_TYPES, ...ORGANISATION_COMMAND_TYPES]],
    ['errorCode', DOMAIN_ERROR_CODES],
  ] as const)('%s: every identifier has a French label', (map, ids) => {
    const labels = labelsFr[map] as Record<string, string>;
    for (const id of ids) expect([id, typeof labels[id] === 'string' && labels[id].trim().length > 0]).toEqual([id, true]);
    expect(Object.keys(labels).sort()).toEqual([...ids].sort());
  });

  it('uses the stage labels of the brief', () => {
    expect(STAGES.map((s) => labelsFr.stage[s])).toEqual(['Décision', 'Faisabilité', 'Lancement', 'Fonctionnement', 'Capitalisation']);
  });

  it('gives every gate item a unique id per stage and a French label', () => {
    for (const kind of COOPERATION_KINDS)
      for (const stage of STAGES) {
        const ids = PLAYBOOKS[kind][stage].map((i) => i.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const item of PLAYBOOKS[kind][stage]) {
          expect(item.label.length).toBeGreaterThan(5);
          expect(Boolean(item.fact) || Boolean(item.deliverables?.length)).toBe(true);
        }
      }
  });
});

describe('INSEE territory from @etalab/decoupage-administratif', () => {
  it('knows the 18 régions and their 101 départements, not the collectivités d’outre-mer', () => {
    expect(REGIONS.map((r) => r.code).sort()).toEqual(['01', '02', '03', '04', '06', '11', '24', '27', '28', '32', '44', '52', '53', '75', '76', '84', '93', '94']);
    expect(departementsOfRegion('11').map((d) => d.code).sort()).toEqual(['75', '77', '78', '91', '92', '93', '94', '95']);
    expect(DEPARTEMENTS).toHaveLength(101);
    expect(findDepartement('974')).toEqual({ code: '974', name: 'La Réunion', regionCode: '04' });
    for (const com of ['975', '977', '978', '984', '986', '987', '988', '989']) {
      expect({ com, region: isRegionCode(com), departement: isDepartementCode(com) }).toEqual({ com, region: false, departement: false });
    }
    expect(() => validateTerritory({ regionCode: '989', departementCodes: [] })).toThrow(expect.objectContaining({ code: 'INVALID_TERRITORY' }) as Error);
    expect(findDepartement('49')).toEqual({ code: '49', name: 'Maine-et-Loire', regionCode: '52' });
    expect(departementBelongsToRegion('93', '11')).toBe(true);
    expect(departementBelongsToRegion('93', '52')).toBe(false);
  });
});

describe('purity of libs/domain/src', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
  const sources = files(join(__dirname, '..', 'src')).map((f) => [f, readFileSync(f, 'utf8')] as const);

  it.each([
    [/from '@nestjs\//, 'NestJS'],
    [/from ['"]typeorm['"/]/, 'TypeORM'],
    [/from ['"]pg['"]/, 'pg'],
    [/class-validator/, 'class-validator'],
    [/new Date\(/, 'new Date('],
    [/Date\.now\(/, 'Date.now('],
    [/Math\.random\(/, 'Math.random('],
    [/randomUUID|from 'uuid'/, 'uuid generation'],
  ])('no source uses %s', (pattern) => {
    expect(sources.filter(([, text]) => pattern.test(text)).map(([f]) => f)).toEqual([]);
  });
});
