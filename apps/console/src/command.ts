import { useCallback, useState } from 'react';
import type { OperationVariables, TypedDocumentNode } from '@apollo/client';
import { useApolloClient } from '@apollo/client/react';
import { commandDocument, type CommandResult } from './api';
import { useAnnouncer } from './announcer';
import { errorInfo, frenchMessage, messageFor, retryAfterSeconds, type ErrorInfo, type MessageContext } from './errors';

/** After TOO_MANY_REQUESTS, no mutation is sent before this instant (shared by every form). */
let blockedUntil = 0;

export interface CommandOutcome {
  ok: boolean;
  result?: CommandResult;
  error?: ErrorInfo;
}

export interface MutationOutcome<T> {
  ok: boolean;
  data?: T;
  error?: ErrorInfo;
}

/**
 * Runs any mutation of the console (cooperation commands, accounts, organisations): announces the
 * success in the polite live region and any failure as a French sentence in the assertive one,
 * and holds every mutation back after TOO_MANY_REQUESTS. `pending` names the mutation under way.
 * `announceErrors: false` leaves the failure to the caller (a modal dialog makes the page's live
 * regions inert, so it shows the message itself: `messageFor(outcome.error, context)`).
 */
export function useMutationRunner(context: MessageContext = {}, { announceErrors = true }: { announceErrors?: boolean } = {}) {
  const client = useApolloClient();
  const { announce } = useAnnouncer();
  const [pending, setPending] = useState<string | null>(null);
  const forbidden = context.forbidden;
  const send = useCallback(
    async <T, V extends OperationVariables>(name: string, mutation: TypedDocumentNode<T, V>, variables: V, success?: string): Promise<MutationOutcome<T>> => {
      const wait = Math.ceil((blockedUntil - Date.now()) / 1000);
      if (wait > 0) {
        const info: ErrorInfo = { code: 'TOO_MANY_REQUESTS', message: '', extensions: { retryAfterSeconds: wait } };
        if (announceErrors) announce(messageFor(info), 'error');
        return { ok: false, error: info };
      }
      setPending(name);
      try {
        const { data } = await client.mutate({ mutation, variables });
        if (success) announce(success, 'success');
        return { ok: true, data: data ?? undefined };
      } catch (error) {
        const info = errorInfo(error);
        const retry = retryAfterSeconds(info);
        if (retry > 0) blockedUntil = Date.now() + retry * 1000;
        if (announceErrors && info.code !== 'UNAUTHENTICATED') announce(frenchMessage(error, { forbidden }), 'error');
        return { ok: false, error: info };
      } finally {
        setPending(null);
      }
    },
    [client, announce, forbidden, announceErrors],
  );
  return { send, pending };
}

/**
 * Runs cooperation commands (one GraphQL mutation each) and turns failures into a French message
 * in the assertive live region. The caller decides what to reload; on CONCURRENCY_CONFLICT it must
 * reload the cooperation without clearing what the user typed.
 */
export function useCommand(context: MessageContext = {}) {
  const { send, pending } = useMutationRunner(context);
  const run = useCallback(
    async (name: string, input: Record<string, unknown>, success?: string): Promise<CommandOutcome> => {
      const outcome = await send(name, commandDocument(name), { input }, success);
      return { ok: outcome.ok, result: outcome.data?.[name], error: outcome.error };
    },
    [send],
  );
  return { run, pending };
}

/** Refusals that mean the page is out of date: reloading shows what the user may still do. */
const RELOAD_ON = new Set(['CONCURRENCY_CONFLICT', 'FORBIDDEN', 'NOT_FOUND', 'FUNDING_REQUEST_NOT_FOUND', 'FUNDING_REQUEST_CLOSED', 'FUNDING_REQUEST_PENDING']);

/**
 * After a command: clear the form on success, and reload on success or on a conflict (the form
 * keeps its text on a conflict, so the user checks and submits again). FORBIDDEN and NOT_FOUND
 * also reload: the page then shows what the user may still do; so do the refusals of a funding
 * request already answered, gone, or already pending (someone else acted meanwhile).
 */
export async function settle(outcome: CommandOutcome, reload: () => Promise<void>, clear?: () => void): Promise<boolean> {
  // Clear first: the user may start typing the next entry while the page reloads.
  if (outcome.ok) clear?.();
  const code = outcome.error?.code;
  if (outcome.ok || (code !== undefined && RELOAD_ON.has(code))) await reload();
  return outcome.ok;
}
