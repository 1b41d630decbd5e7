import { Inject, type Type } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COOPERATION_COMMAND_TYPES, ORGANISATION_COMMAND_TYPES, type RenewCooperation } from '@maillage/domain';
import { cooperationAggregate, organisationAggregate } from './aggregates';
import {
  COOPERATION_COMMAND_CLASSES,
  ORGANISATION_COMMAND_CLASSES,
  type CommandResult,
  type CooperationCommandMessage,
  type OrganisationCommandMessage,
} from './command-envelope';
import { CommandExecutor, isRefusal } from './command-executor';
import { SiretRegistry, siretSetBy } from './siret-registry';
import { checkNetworks, resolveOrganisations } from './organisation-lookup';
import { executeRenewal } from './renewal';
import { authorizeCooperationCommand, authorizeOrganisationCommand } from '../authorization/access-policy';

/**
 * One @nestjs/cqrs handler per domain command, generated from the domain's command list: each is
 * registered for its own message class, and they share the executor's load / decide / append.
 * Authorisation (who may run which command on which cooperation) is checked here, where the data is,
 * on the state folded from the stream: not in resolvers.
 */
function cooperationHandler(type: (typeof COOPERATION_COMMAND_TYPES)[number]): Type<ICommandHandler> {
  @CommandHandler(COOPERATION_COMMAND_CLASSES[type])
  class Handler implements ICommandHandler<CooperationCommandMessage, CommandResult> {
    constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}

    execute(message: CooperationCommandMessage): Promise<CommandResult> {
      if (message.command.type === 'RenewCooperation') {
        return executeRenewal(this.executor, message.aggregateId, message.command as RenewCooperation, message.meta);
      }
      return this.executor.execute(
        cooperationAggregate,
        message.aggregateId,
        message.command,
        message.meta,
        (c) => resolveOrganisations(this.executor, c),
        (state) => authorizeCooperationCommand(message.meta.caller, message.command, state.status === 'NONE' ? null : state),
      );
    }
  }
  Object.defineProperty(Handler, 'name', { value: `${type}Handler` });
  return Handler;
}

function organisationHandler(type: (typeof ORGANISATION_COMMAND_TYPES)[number]): Type<ICommandHandler> {
  @CommandHandler(ORGANISATION_COMMAND_CLASSES[type])
  class Handler implements ICommandHandler<OrganisationCommandMessage, CommandResult> {
    constructor(
      @Inject(CommandExecutor) private readonly executor: CommandExecutor,
      @Inject(SiretRegistry) private readonly sirets: SiretRegistry,
    ) {}

    /**
     * A command that sets a SIRET claims it once the caller is authorised, before deciding (another
     * organisation's SIRET: ALREADY_EXISTS), and settles its claim after: held if the command
     * succeeded, given back if it was refused. A SIRET replaced or cleared is given back once the
     * change is recorded.
     */
    async execute(message: OrganisationCommandMessage): Promise<CommandResult> {
      const { aggregateId: organisationId, command, meta } = message;
      const siret = siretSetBy(command.data);
      let previous: string | null = null;
      let took = false;
      try {
        const result = await this.executor.execute(
          organisationAggregate,
          organisationId,
          command,
          meta,
          async (c) => {
            await checkNetworks(this.executor, c.data);
            if (siret !== null && siret !== undefined && !took) {
              await this.sirets.claim(siret, organisationId);
              took = true;
            }
            return c;
          },
          (state) => {
            authorizeOrganisationCommand(meta.caller, command, state.status === 'NONE' ? null : state);
            // The SIRET held before this command, from the state it is decided on (no second read).
            previous = state.status === 'REGISTERED' ? state.siret : null;
          },
        );
        if (took && siret) await this.sirets.settle(siret, organisationId, true);
        // Only a command that sets or clears the SIRET gives the old one back (an update of the name alone keeps it).
        if (siret !== undefined && previous !== null && previous !== siret && !result.replayed && result.eventTypes.length > 0) {
          await this.sirets.release(previous, organisationId);
        }
        return result;
      } catch (error) {
        // Only a refusal is known to have written nothing; after any other failure the claim stays.
        if (took && siret && isRefusal(error)) await this.sirets.settle(siret, organisationId, false);
        throw error;
      }
    }
  }
  Object.defineProperty(Handler, 'name', { value: `${type}Handler` });
  return Handler;
}

export const COMMAND_HANDLERS: Type<ICommandHandler>[] = [
  ...COOPERATION_COMMAND_TYPES.map(cooperationHandler),
  ...ORGANISATION_COMMAND_TYPES.map(organisationHandler),
];
