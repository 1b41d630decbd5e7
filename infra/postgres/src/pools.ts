import type { Pool } from 'pg';

/**
 * Ends a pool and waits until its connections are closed. `pool.end()` resolves once every client
 * has been asked to end, before their sockets have closed (node-postgres issues #2328, #3287):
 * an embedded server stopped right after it then terminated those connections, and the pool
 * reported "terminating connection due to administrator command" during a clean shutdown. Each
 * client's end is announced by the pool's `remove` event. Waits at most `timeoutMs`, so a
 * connection that never answers cannot hold a shutdown.
 */
export async function endPool(pool: Pool, timeoutMs = 5000): Promise<void> {
  let open = pool.totalCount;
  let timer: NodeJS.Timeout | undefined;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) return resolve();
    pool.on('remove', () => {
      if (--open <= 0) resolve();
    });
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await pool.end();
    await closed;
  } finally {
    clearTimeout(timer);
  }
}
