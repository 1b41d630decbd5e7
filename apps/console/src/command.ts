import { useCallback, useState } from 'react';
import { useApolloClient } from '@apollo/client/react';
import { commandDocument, type CommandResult } from './api';
import { useAnnouncer } from './announcer';
import { errorInfo, frenchMessage, type ErrorInfo } from './errors';

export interface CommandOutcome {
  ok: boolean;
  result?: CommandResult;
  error?: ErrorInfo;
}

/**
 * Runs cooperation commands (one GraphQL mutation each) and turns failures into a French message
 * in the assertive live region. The caller decides what to reload; on CONCURRENCY_CONFLICT it must
 * reload the cooperation without clearing what the user typed.
 */
export function useCommand() {
  const client = useApolloClient();
  const { announce } = useAnnouncer();
  const [pending, setPending] = useState<string | null>(null);
  const run = useCallback(
    async (name: string, input: Record<string, unknown>, success?: string): Promise<CommandOutcome> => {
      setPending(name);
      try {
        const { data } = await client.mutate({ mutation: commandDocument(name), variables: { input } });
        const result = data?.[name];
        if (success) announce(success, 'success');
        return { ok: true, result };
      } catch (error) {
        const info = errorInfo(error);
        if (info.code !== 'UNAUTHENTICATED') announce(frenchMessage(error), 'error');
        return { ok: false, error: info };
      } finally {
        setPending(null);
      }
    },
    [client, announce],
  );
  return { run, pending };
}
