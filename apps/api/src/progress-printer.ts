import { SingleBar, Presets } from 'cli-progress';

/**
 * Progress for long operations: a live bar on a terminal, a line every 10% otherwise (CI logs,
 * `npm start` piped to a file).
 */
export function progressPrinter(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let bar: SingleBar | null = null;
  let lastDecile = -1;
  const started = Date.now();
  return {
    update(done: number, total: number): void {
      if (stream.isTTY) {
        if (!bar) {
          bar = new SingleBar(
            { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} restant`, stream, hideCursor: true },
            Presets.shades_classic,
          );
          bar.start(total, 0);
        }
        bar.setTotal(total);
        bar.update(done);
        return;
      }
      const decile = total ? Math.floor((done / total) * 10) : 10;
      if (decile !== lastDecile) {
        lastDecile = decile;
        const seconds = (Date.now() - started) / 1000;
        stream.write(`${label}: ${done}/${total} (${decile * 10}%) en ${seconds.toFixed(1)} s\n`);
      }
    },
    stop(): void {
      bar?.stop();
    },
  };
}
