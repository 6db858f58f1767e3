import type { StdioOptions } from "node:child_process";

export type ProcessSpec = { name: string; cmd: string; args: string[]; env?: Record<string, string | undefined> };
export type ProcessState = { name: string; pid: number | undefined; restarts: number };
export type SupervisorOptions = {
  stdio?: StdioOptions;
  log?: (line: string) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  stableAfterMs?: number;
  startupGraceMs?: number;
  onFatal?: (name: string, code: number | null, signal: string | null) => void;
};
export declare class Supervisor {
  constructor(opts?: SupervisorOptions);
  add(spec: ProcessSpec): this;
  state(): ProcessState[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}
