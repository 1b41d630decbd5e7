import type { CommandBus } from '@nestjs/cqrs';
import { organisationCommand, type CommandMeta, type CooperationCommandInput } from '../../src/command-side/command-envelope';

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

/**
 * Registers three insertion structures (AI) of Maine-et-Loire (région 52) on 1 September 2024, with
 * ids `<prefix>-tremplin`, `<prefix>-segre` and `<prefix>-saumur`.
 */
export async function registerAiOrganisations(bus: CommandBus, prefix: string, meta: CommandMeta): Promise<void> {
  const organisations = [
    [`${prefix}-tremplin`, 'Tremplin Travail'],
    [`${prefix}-segre`, 'AI du Segréen'],
    [`${prefix}-saumur`, 'AI du Saumurois'],
  ];
  for (const [id, name] of organisations) {
    await bus.execute(
      organisationCommand(
        id,
        { type: 'RegisterOrganisation', data: { organisationId: id, name, kind: 'AI', regionCode: '52', departementCode: '49' } },
        { ...meta, occurredAt: '2024-09-01T09:00:00.000Z' },
      ),
    );
  }
}
