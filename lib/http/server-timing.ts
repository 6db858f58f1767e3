/**
 * Phases of a request as a `Server-Timing` header (`name;dur=ms`, in order), so a client or a
 * benchmark can see where the time of a slow answer went.
 */
export class ServerTiming {
  private last = performance.now();
  private readonly parts: [string, number][] = [];

  /** Ends the phase that started at the previous mark (or at construction). */
  mark(name: string): void {
    const now = performance.now();
    this.parts.push([name, now - this.last]);
    this.last = now;
  }

  header(): string {
    return this.parts.map(([n, ms]) => `${n};dur=${ms.toFixed(1)}`).join(", ");
  }
}

/** Parses a Server-Timing header back into { name: ms }. */
export function parseServerTiming(header: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /^\s*([\w-]+)\s*;\s*dur=([\d.]+)/.exec(part);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}
