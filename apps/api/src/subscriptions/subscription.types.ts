import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { CooperationKind, CooperationStatus, Stage } from '@maillage/domain';
import { CooperationKindEnum, CooperationStatusEnum, StageEnum } from '../graphql/enums';
import { HistoryEntry } from '../cooperations/cooperation.types';

const READ_MODELS_CURRENT =
  'True when the read models had applied this event before it was sent (a query made now shows it). ' +
  'False when a projection is blocked on a dead letter or lagging behind: the event is sent anyway, and queries may not show it yet.';

@ObjectType({ description: 'A fact of a cooperation, sent by `cooperationEvents` once the read models include it.' })
export class CooperationEventNotification extends HistoryEntry {
  @Field({ description: READ_MODELS_CURRENT })
  readModelsCurrent!: boolean;
}

@ObjectType({ description: 'A fact of a cooperation of a région, sent by `regionalActivity` once the read models include it.' })
export class RegionalActivity {
  @Field(() => ID)
  eventId!: string;

  @Field(() => ID)
  cooperationId!: string;

  @Field({ description: 'Code of the région (INSEE).' })
  region!: string;

  @Field(() => String, { nullable: true, description: 'Name of the cooperation (null if the read model does not know it yet).' })
  name?: string | null;

  @Field(() => CooperationKindEnum, { nullable: true })
  kind?: CooperationKind | null;

  @Field(() => String, { nullable: true })
  kindLabel?: string | null;

  @Field(() => StageEnum, {
    nullable: true,
    description: 'Stage of the cooperation when the notification was sent (at or after this event); null if unknown.',
  })
  stage?: Stage | null;

  @Field(() => String, { nullable: true })
  stageLabel?: string | null;

  @Field(() => CooperationStatusEnum, { nullable: true, description: 'Status when the notification was sent; null if unknown.' })
  status?: CooperationStatus | null;

  @Field({ description: 'Event type, e.g. CooperationStageAdvanced.' })
  eventType!: string;

  @Field({ description: 'French label of the event type.' })
  label!: string;

  @Field(() => Int, { description: 'Version of the cooperation stream after this event.' })
  version!: number;

  @Field({ description: 'When it happened in reality.' })
  occurredAt!: Date;

  @Field({ description: 'When Maillage recorded it.' })
  recordedAt!: Date;

  @Field({ description: 'Opaque global position.' })
  position!: string;

  @Field({ description: READ_MODELS_CURRENT })
  readModelsCurrent!: boolean;
}
