/** The one-line job progress display on stderr. */
import type { JobDTO } from "../../lib/jobs/serialize";

type Snapshot = Pick<JobDTO, "status" | "progressPercent" | "currentStep" | "totalChunks" | "succeededChunks" | "failedChunks">;

export class ProgressLine {
  private readonly tty: boolean;
  private last = "";
  private drawn = false;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  /** TTY: redraws in place. Otherwise: prints a line whenever something changed. */
  update(job: Snapshot): void {
    const pct = Math.max(0, Math.min(100, Math.round(job.progressPercent ?? 0)));
    const chunks = job.totalChunks > 0 ? `chunks ${job.succeededChunks}/${job.totalChunks} ok${job.failedChunks ? `, ${job.failedChunks} failed` : ""}` : "";
    const text = [`${String(pct).padStart(3)}%`, job.status, chunks, job.currentStep ?? ""].filter(Boolean).join("  ");
    if (!this.tty) {
      if (text !== this.last) this.out.write(text + "\n");
      this.last = text;
      return;
    }
    const width = 20;
    const filled = Math.round((pct / 100) * width);
    const bar = "█".repeat(filled) + "░".repeat(width - filled);
    const secs = Math.round((Date.now() - this.started) / 1000);
    let line = `[${bar}] ${text}  (${secs}s)`;
    const cols = this.out.columns || 80;
    if (line.length > cols - 1) line = line.slice(0, Math.max(0, cols - 2)) + "…";
    this.out.write(`\r\x1b[2K${line}`);
    this.drawn = true;
    this.last = text;
  }

  /** A message that must not be overwritten by the next redraw. */
  message(msg: string): void {
    this.end();
    this.out.write(msg + "\n");
  }

  /** Leaves the current bar on screen and moves to a fresh line. */
  end(): void {
    if (this.tty && this.drawn) this.out.write("\n");
    this.drawn = false;
  }
}
