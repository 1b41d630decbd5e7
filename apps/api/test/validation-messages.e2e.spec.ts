import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, graphqlClient, type GraphQLResponse, type TestDatabase } from '@maillage/testing';
import { createApp } from '../src/bootstrap';
import { TestActors, type Headers } from './support/actors';

jest.setTimeout(60_000);

/**
 * A refused input is explained in French over HTTP: `message` names the field in the words users
 * know and what is expected, while `extensions` keep BAD_USER_INPUT, domainCode and the English
 * `field`, `expected` and `reason` for programs.
 */
describe('VALIDATION_FAILED answers in French over HTTP', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let gql: ReturnType<typeof graphqlClient>;
  let actors: TestActors;

  beforeAll(async () => {
    db = await createTestDatabase('validation_messages');
    app = await createApp({ databaseUrl: db.url });
    await app.listen(0, '127.0.0.1');
    gql = graphqlClient(`${await app.getUrl()}/graphql`);
    actors = TestActors.of(app);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const registerOrganisation = async (input: Record<string, unknown>) =>
    gql<{ registerOrganisation: { organisationId: string } }>(
      `mutation($input: RegisterOrganisationInput!) { registerOrganisation(input: $input) { organisationId } }`,
      { input: { regionCode: '52', departementCode: '49', ...input } },
      await actors.admin(),
    );

  const register = async (name: string, kind: string): Promise<string> => {
    const r = await registerOrganisation({ name, kind });
    expect(r.errors).toBeUndefined();
    return r.data!.registerOrganisation.organisationId;
  };

  const mutate = async (name: string, input: Record<string, unknown>, as: Headers | Promise<Headers>): Promise<GraphQLResponse<unknown>> =>
    gql(`mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { cooperationId version } }`, { input }, await as);

  /** The first error: its message and the extensions programs read. */
  const refusal = (response: GraphQLResponse<unknown>) => {
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors!;
    return { message: error.message, extensions: error.extensions };
  };

  /** A GIE of two associations intermédiaires of Maine-et-Loire, at DECISION. */
  const proposeGie = async () => {
    const lead = await register('Tremplin Travail', 'AI');
    const partner = await register('Association intermédiaire du Saumurois', 'AI');
    const as = await actors.member(lead);
    const proposed = await mutate(
      'proposeCooperation',
      {
        kind: 'GIE',
        name: 'GIE des AI de Maine-et-Loire',
        objectives: ['POOLING'],
        territory: { regionCode: '52', departementCodes: ['49'] },
        leadOrganisationId: lead,
        occurredAt: '2024-01-10T09:00:00Z',
      },
      as,
    );
    expect(proposed.errors).toBeUndefined();
    const cooperationId = (proposed.data as { proposeCooperation: { cooperationId: string } }).proposeCooperation.cooperationId;
    expect((await mutate('addMember', { cooperationId, organisationId: partner, occurredAt: '2024-01-15T09:00:00Z' }, as)).errors).toBeUndefined();
    return { cooperationId, as };
  };

  it('a quantitative indicator of its own without a unit', async () => {
    const { cooperationId, as } = await proposeGie();
    const response = await mutate(
      'defineIndicator',
      {
        cooperationId,
        code: 'EMPLOI',
        label: 'Emploi des salariés en parcours',
        indicators: [
          { code: 'ETP', standard: 'INSERTION_FTE' },
          { code: 'HEURES', label: 'Heures de mise à disposition', nature: 'QUANTITATIVE' },
        ],
        occurredAt: '2024-02-01T09:00:00Z',
      },
      as,
    );
    expect(refusal(response)).toEqual({
      message:
        "L'unité de l'indicateur n° 2 est à renseigner : un indicateur quantitatif a besoin d'une unité (par exemple « personnes », « heures » ou « € »).",
      extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'indicators[1].unit', reason: 'quantitative indicators need a unit' },
    });
  });

  it('a waiver whose justification is too short', async () => {
    const { cooperationId, as } = await proposeGie();
    const response = await mutate('waiveGateItem', { cooperationId, itemId: 'structuring-elements', justification: 'urgent', occurredAt: '2024-02-01T09:00:00Z' }, as);
    expect(refusal(response)).toEqual({
      message: "La justification de la dérogation n'est pas valide : il faut une justification écrite d'au moins 10 caractères.",
      extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'justification', expected: 'a written justification (10 characters or more)' },
    });
  });

  /** The member solicits the funder: a funder grants only where it was asked to or funds already. */
  const solicit = async (cooperationId: string, as: Headers, funder: string) =>
    expect((await mutate('requestFunding', { cooperationId, funderOrganisationId: funder, occurredAt: '2024-01-20T09:00:00Z' }, as)).errors).toBeUndefined();

  it('a disbursement of 0 €, and amounts of a grant that are no amount', async () => {
    const { cooperationId, as: member } = await proposeGie();
    const funder = await register('Conseil régional des Pays de la Loire', 'FUNDER');
    await solicit(cooperationId, member, funder);
    const as = actors.funder(funder);
    const fundingId = randomUUID();
    const grant = (amount: number) =>
      mutate(
        'grantFunding',
        { cooperationId, fundingId, funderOrganisationId: funder, programme: 'Fonds régional ESS', amount, period: { start: '2024-01-01' }, occurredAt: '2024-02-01T09:00:00Z' },
        as,
      );
    expect(refusal(await grant(-5))).toEqual({
      message: "Le montant n'est pas valide : il faut un montant en euros positif ou nul, avec au plus deux décimales, jusqu'à 100 000 000 000 €.",
      extensions: {
        code: 'BAD_USER_INPUT',
        domainCode: 'VALIDATION_FAILED',
        field: 'amount',
        expected: 'non-negative amount in euros with at most 2 decimals, up to 100 000 000 000',
        value: -5,
      },
    });
    expect((await grant(12000)).errors).toBeUndefined();
    const response = await mutate('recordDisbursement', { cooperationId, fundingId, amount: 0, disbursedOn: '2024-03-01', occurredAt: '2024-03-01T09:00:00Z' }, as);
    expect(refusal(response)).toEqual({
      message: "Le montant n'est pas valide : il faut un montant positif (plus de 0 €).",
      extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'amount', expected: 'positive amount' },
    });
  });

  it('a grant of 0 €', async () => {
    const { cooperationId, as: member } = await proposeGie();
    const funder = await register('Département de Maine-et-Loire', 'FUNDER');
    await solicit(cooperationId, member, funder);
    const response = await mutate(
      'grantFunding',
      { cooperationId, funderOrganisationId: funder, programme: 'Fonds départemental', amount: 0, period: { start: '2024-01-01' }, occurredAt: '2024-02-01T09:00:00Z' },
      actors.funder(funder),
    );
    expect(refusal(response)).toEqual({
      message: 'Le montant d’une subvention doit être positif.',
      extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'amount', expected: 'positive amount' },
    });
  });

  it('an organisation in more than 20 networks, and other refused organisation fields', async () => {
    const networkIds = Array.from({ length: 21 }, () => randomUUID());
    expect(refusal(await registerOrganisation({ name: 'Régie de quartier', kind: 'REGIE', networkIds }))).toEqual({
      message: 'Une organisation appartient à 20 réseaux au plus : 21 réseaux différents sont indiqués.',
      extensions: { code: 'BAD_USER_INPUT', domainCode: 'VALIDATION_FAILED', field: 'networkIds', expected: 'at most 20 networks', value: 21 },
    });
    expect(refusal(await registerOrganisation({ name: ' ', kind: 'REGIE' }))).toMatchObject({
      message: 'Le nom est à renseigner : il faut un texte de 1 à 300 caractères.',
      extensions: { code: 'BAD_USER_INPUT', field: 'name', expected: 'non-empty string (max 300)' },
    });
    expect(refusal(await registerOrganisation({ name: 'Régie', kind: 'REGIE', siret: '12345678901234' }))).toMatchObject({
      message: expect.stringMatching(/^Le numéro SIRET « 12345678901234 » n'est pas valide : il faut les 14 chiffres/) as string,
      extensions: { code: 'INVALID_SIRET', field: 'siret' },
    });
  });
});
