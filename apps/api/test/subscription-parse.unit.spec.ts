import { print } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { subscriptionOptions } from '../src/subscriptions/subscription-context';

type WsOptions = Required<Pick<ServerOptions, 'onSubscribe' | 'parse'>>;

describe('graphql-ws parsing', () => {
  const options = () => subscriptionOptions(async () => null)['graphql-ws'] as unknown as WsOptions;
  const subscribe = (ws: WsOptions, id: string, query: string) =>
    ws.onSubscribe({} as never, id, { query }) as unknown as readonly { extensions: { code: string } }[] | undefined;

  it('hands each subscription the document its onSubscribe parsed, whatever other subscriptions came in between', () => {
    const ws = options();
    const a = 'subscription { cooperationEvents(cooperationId: "a") { type } }';
    const b = 'subscription { regionalActivity(region: "11") { type } }';
    expect(subscribe(ws, '1', a)).toBeUndefined();
    expect(subscribe(ws, '2', b)).toBeUndefined();
    const documentA = ws.parse(a);
    const documentB = ws.parse(b);
    expect(print(documentA)).toContain('cooperationEvents');
    expect(print(documentB)).toContain('regionalActivity');
    // Parsed once: the same text gets the same document (clients send the same few texts).
    expect(ws.parse(a)).toBe(documentA);
    expect(subscribe(ws, '3', a)).toBeUndefined();
    expect(ws.parse(a)).toBe(documentA);
  });

  it('answers a syntax error as the subscription error GRAPHQL_PARSE_FAILED, and keeps nothing of it', () => {
    const ws = options();
    const errors = subscribe(ws, '1', 'subscription { cooperationEvents(');
    expect(errors?.map((e) => e.extensions.code)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(() => ws.parse('subscription { cooperationEvents(')).toThrow(/Syntax Error/);
  });
});
