import { Client, Pool } from 'pg';

/**
 * Jest setup file (int and e2e projects): when a pg Client or Pool emits 'error' with no listener
 * (Node then throws "Unhandled error." and Jest fails whichever test is running, perhaps in a later
 * file of the same worker), print which database the connection was for, which test file opened it
 * and where, so the leak can be found. It changes no behaviour: the error is still emitted.
 */
interface Traced {
  __maillageOpenedAt?: string;
  __maillageOpenedBy?: string;
}
type Emit = (this: NodeJS.EventEmitter, event: string | symbol, ...args: unknown[]) => boolean;

const testFile = (): string | undefined => (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;

function report(kind: string, emitter: NodeJS.EventEmitter & Traced, database: unknown, error: unknown): void {
  process.stderr.write(
    `[pg-diagnostics] unhandled ${kind} error on database ${String(database)} (${error instanceof Error ? error.message : String(error)}); ` +
      `opened by ${emitter.__maillageOpenedBy ?? 'unknown file'}; running now: ${testFile() ?? 'between files'}\n` +
      `${emitter.__maillageOpenedAt ?? ''}\n`,
  );
}

const clientProto = Client.prototype as unknown as { connect: (...args: unknown[]) => unknown; emit: Emit; __maillageTraced?: boolean };
if (!clientProto.__maillageTraced) {
  clientProto.__maillageTraced = true;
  const connect = clientProto.connect;
  clientProto.connect = function (this: Traced, ...args: unknown[]) {
    this.__maillageOpenedAt = new Error('connection opened').stack;
    this.__maillageOpenedBy = testFile();
    return connect.apply(this, args);
  };
  const emit = clientProto.emit;
  clientProto.emit = function (this: NodeJS.EventEmitter & Traced & { database?: string }, event, ...args) {
    if (event === 'error' && this.listenerCount('error') === 0) report('Client', this, this.database, args[0]);
    return emit.call(this, event, ...args);
  };
}

const poolProto = Pool.prototype as unknown as { connect: (...args: unknown[]) => unknown; emit: Emit; __maillageTraced?: boolean };
if (!poolProto.__maillageTraced) {
  poolProto.__maillageTraced = true;
  const connect = poolProto.connect;
  poolProto.connect = function (this: Traced, ...args: unknown[]) {
    this.__maillageOpenedAt ??= new Error('first connection of the pool').stack;
    this.__maillageOpenedBy ??= testFile();
    return connect.apply(this, args);
  };
  const emit = poolProto.emit;
  poolProto.emit = function (this: NodeJS.EventEmitter & Traced & { options?: { connectionString?: string; database?: string } }, event, ...args) {
    if (event === 'error' && this.listenerCount('error') === 0) {
      const url = this.options?.connectionString;
      report('Pool', this, url ? new URL(url).pathname.slice(1) : this.options?.database, args[0]);
    }
    return emit.call(this, event, ...args);
  };
}
