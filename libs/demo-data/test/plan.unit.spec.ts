import { STAGES, COOPERATION_KINDS, isValidSiret, type Cooperation } from '@maillage/domain';
import { buildDemoPlan, simulateDemoPlan, createRandom, REAL_COOPERATION_SLUGS, cooperationIdOf, DEMO_REGIONS } from '@maillage/demo-data';

const NOW = new Date('2026-05-15T12:00:00.000Z');

describe('demo plan (pure)', () => {
  it('is the same for the same seed and differs for another seed', () => {
    const a = buildDemoPlan({ synthetic: 40, seed: 7, now: NOW });
    const b = buildDemoPlan({ synthetic: 40, seed: 7, now: NOW });
    const c = buildDemoPlan({ synthetic: 40, seed: 8, now: NOW });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const real = REAL_COOPERATION_SLUGS.length;
    expect(JSON.stringify(c.cooperations.slice(real))).not.toBe(JSON.stringify(a.cooperations.slice(real)));
    // The real cooperations do not depend on the seed.
    expect(JSON.stringify(c.cooperations.slice(0, real))).toBe(JSON.stringify(a.cooperations.slice(0, real)));
  });

  it('keeps cooperation n the same whatever the synthetic count', () => {
    const small = buildDemoPlan({ synthetic: 10, seed: 3, now: NOW });
    const large = buildDemoPlan({ synthetic: 30, seed: 3, now: NOW });
    expect(JSON.stringify(large.cooperations.slice(0, REAL_COOPERATION_SLUGS.length + 10))).toBe(JSON.stringify(small.cooperations));
  });

  it('has a seeded PRNG that never touches Math.random', () => {
    const spy = jest.spyOn(Math, 'random');
    buildDemoPlan({ synthetic: 12, seed: 1, now: NOW });
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    const r1 = createRandom(42);
    const r2 = createRandom(42);
    expect(Array.from({ length: 5 }, () => r1.next())).toEqual(Array.from({ length: 5 }, () => r2.next()));
  });

  it('gives every command a unique idempotency key, dates in chronological order per stream and never after now', () => {
    const plan = buildDemoPlan({ synthetic: 60, seed: 11, now: NOW });
    const steps = [...plan.organisationSteps, ...plan.cooperations.flatMap((c) => c.steps)];
    expect(new Set(steps.map((s) => s.idempotencyKey)).size).toBe(steps.length);
    for (const s of steps) expect(s.occurredAt <= NOW.toISOString()).toBe(true);
    for (const coop of plan.cooperations) {
      const byStream = new Map<string, string>();
      for (const s of coop.steps) {
        const last = byStream.get(s.aggregateId);
        if (last) expect(s.occurredAt >= last).toBe(true);
        byStream.set(s.aggregateId, s.occurredAt);
      }
    }
  });

  it('gives synthetic organisations Luhn-valid SIRETs and real ones none', () => {
    const plan = buildDemoPlan({ synthetic: 0, now: NOW });
    for (const o of plan.organisations) {
      if (o.synthetic) expect(isValidSiret(o.siret)).toBe(true);
      else expect(o.siret).toBeNull();
    }
    expect(new Set(plan.organisations.map((o) => o.id)).size).toBe(plan.organisations.length);
  });

  it('is accepted by the domain: every command decided without rejection, each cooperation ends as expected', () => {
    const plan = buildDemoPlan({ synthetic: 120, seed: 5, now: NOW });
    const result = simulateDemoPlan(plan);
    for (const coop of plan.cooperations) {
      for (const [id, expected] of Object.entries(coop.expected)) {
        const state = result.cooperations.get(id) as Cooperation;
        expect({ slug: coop.slug, id, stage: state.stage, status: state.status }).toEqual({ slug: coop.slug, id, ...expected });
      }
    }
  });

  it.each([1, 2, 3, 2019])('is accepted by the domain for seed %i with 300 synthetic cooperations', (seed) => {
    expect(() => simulateDemoPlan(buildDemoPlan({ synthetic: 300, seed, now: NOW }))).not.toThrow();
  });

  it('covers every kind and every stage, abandoned and closed ones, and all five régions', () => {
    const plan = buildDemoPlan({ synthetic: 40, seed: 9, now: NOW });
    const { cooperations } = simulateDemoPlan(plan);
    const states = [...cooperations.values()] as Cooperation[];
    expect(new Set(states.map((s) => s.kind))).toEqual(new Set(COOPERATION_KINDS));
    expect(new Set(states.map((s) => s.stage))).toEqual(new Set(STAGES));
    for (const kind of COOPERATION_KINDS) expect(new Set(states.filter((s) => s.kind === kind).map((s) => s.stage)).size).toBeGreaterThanOrEqual(4);
    expect(states.some((s) => s.status === 'ABANDONED')).toBe(true);
    expect(states.some((s) => s.status === 'CLOSED')).toBe(true);
    expect(new Set(states.map((s) => s.territory.regionCode))).toEqual(new Set(DEMO_REGIONS.map((r) => r.code)));
  });

  it('walks the real cooperations with the dates and figures of the sources', () => {
    const { cooperations } = simulateDemoPlan(buildDemoPlan({ synthetic: 0, now: NOW }));
    const get = (slug: string) => cooperations.get(cooperationIdOf(slug)) as Cooperation;
    expect(REAL_COOPERATION_SLUGS.every((s) => cooperations.has(cooperationIdOf(s)))).toBe(true);

    const petitPlus = get('real-gme-le-petit-plus');
    expect(petitPlus.members).toHaveLength(5);
    expect(petitPlus.deliverables.find((d) => d.kind === 'CONVENTION_GME')?.recordedAt ?? '').toMatch(/^2016-02-26/);
    expect(petitPlus.marketOutcome).toMatchObject({ outcome: 'AWARDED', startDate: '2016-03-01' });
    expect(petitPlus.market).toMatchObject({ durationMonths: 72 });

    const ai49 = get('real-gme-ai-maine-et-loire');
    expect(ai49).toMatchObject({ gmeForm: 'SOLIDAIRE', market: { amountExclVat: 170000, durationMonths: 12 } });
    expect(ai49.members).toHaveLength(14);
    expect(ai49.supports[0]).toMatchObject({ kind: 'NETWORK' });

    const second = get('real-gme-petit-leroy-2');
    expect(second.renewedFrom).toBe(cooperationIdOf('real-gme-petit-leroy-1'));
    expect(get('real-gme-petit-leroy-1').successorId).toBe(second.id);

    const acces = get('real-jvs-acces-inclusive-tech');
    expect(acces.measurements.map((m) => m.value).sort()).toEqual([52, 71]);
    // source: « Localisation : Saint-Denis (93) », « une phase de lancement d'environ quinze mois », created in 2016.
    expect(acces.territory).toEqual({ regionCode: '11', departementCodes: ['93'] });
    const launch = acces.stageHistory.find((h) => h.stage === 'LAUNCH')!.enteredAt;
    const operation = acces.stageHistory.find((h) => h.stage === 'OPERATION')!.enteredAt;
    expect(Math.round((Date.parse(operation) - Date.parse(launch)) / (30.44 * 86_400_000))).toBe(15);
    expect(operation.slice(0, 4)).toBe('2016');

    // Brise de Terre (seed 001): Agde (34), Occitanie, Capdife and the criée at 50/50, the ESS majority waived.
    const brise = get('real-jvs-brise-de-terre');
    expect(brise).toMatchObject({ kind: 'JVS', stage: 'OPERATION', status: 'ACTIVE', territory: { regionCode: '76', departementCodes: ['34'] } });
    expect(brise.finalShares?.map((x) => x.percent)).toEqual([50, 50]);
    expect(brise.members.map((m) => m.ess).sort()).toEqual([false, true]);
    expect(brise.waivers.find((w) => w.itemId === 'final-shares-ess-majority')?.justification).toContain('Capdife et la criée détiennent chacun 50 % de la SAS');
    expect(brise.stageHistory.find((h) => h.stage === 'OPERATION')?.enteredAt.slice(0, 4)).toBe('2018');
    expect(brise.measurements.map((m) => m.value).sort()).toEqual([2, 4]);

    // cité PHARES (seed 002): no invented local authority; the link is waived with the source's words.
    const phares = get('real-ptce-cite-phares');
    expect(phares.members.some((m) => m.role === 'LOCAL_AUTHORITY')).toBe(false);
    expect(phares.waivers.find((w) => w.itemId === 'local-authority-involved')?.justification).toContain('en lien avec des collectivités territoriales et leurs groupements');
    expect(get('real-essaimage-solicycle').sites).toHaveLength(10);
    expect(get('real-essaimage-solicycle').sites[0]).toMatchObject({ openedOn: '2007-06-01' });
  });

  it('spreads synthetic cooperations over 2019 to now, some active ones stalled for months', () => {
    const plan = buildDemoPlan({ synthetic: 300, seed: 2019, now: NOW });
    const synthetic = plan.cooperations.filter((c) => !c.real);
    const years = new Set(synthetic.map((c) => c.steps[0].occurredAt.slice(0, 4)));
    expect([...years].sort()).toEqual(['2019', '2020', '2021', '2022', '2023', '2024', '2025', '2026']);
    const { cooperations } = simulateDemoPlan(plan);
    const idle = synthetic.filter((c) => {
      const state = cooperations.get(c.id) as Cooperation;
      const last = c.steps[c.steps.length - 1].occurredAt;
      return state.status === 'ACTIVE' && NOW.getTime() - Date.parse(last) > 150 * 86_400_000;
    });
    expect(idle.length).toBeGreaterThan(20);
  });
});
