import type { CooperationCommandInput } from '../../src/command-side/command-envelope';

/**
 * The GME of the command-side tests (the Maine-et-Loire collèges' replacement agents, from the
 * brief), proposed by `leadOrganisationId` in région 52.
 */
export const proposeGmeCommand = (cooperationId: string, leadOrganisationId: string): CooperationCommandInput => ({
  type: 'ProposeCooperation',
  data: {
    cooperationId,
    kind: 'GME',
    name: 'Remplacement des agents dans les collèges de Maine-et-Loire',
    objectives: ['ECONOMIC_DEVELOPMENT'],
    territory: { regionCode: '52', departementCodes: ['49'] },
    sectors: ['STAFFING'],
    leadOrganisation: { id: leadOrganisationId },
  },
});
