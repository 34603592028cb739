/**
 * A one-line progress bar on stderr: `label [#####.....]  42%`. Redraws in place on a TTY,
 * prints a line per 10% step otherwise (CI logs stay short).
 */
export function progressBar(label: string, width = 30) {
  const tty = process.stderr.isTTY;
  let lastStep = -1;
  return {
    update(pct: number, note = '') {
      const p = Math.max(0, Math.min(100, Math.round(pct)));
      const bar = '#'.repeat(Math.round((p / 100) * width)).padEnd(width, '.');
      const line = `${label} [${bar}] ${String(p).padStart(3)}% ${note}`;
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (Math.floor(p / 10) !== lastStep) process.stderr.write(line + '\n');
      lastStep = Math.floor(p / 10);
    },
    done(note = 'done') {
      this.update(100, note);
      if (tty) process.stderr.write('\n');
    },
  };
}
