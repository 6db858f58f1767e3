/**
 * Runs the fake LLM server standalone:
 *   tsx tests/fakes/fake-llm-main.ts [--port 0] [--host 127.0.0.1] [--latency-ms N] [--seed N]
 *                                    [--failure-rate X] [--rate-limit-every N] [--retry-after S]
 *                                    [--api-key KEY] [--config '{"failChunks":{"*\/2":1}}']
 * The first line on stdout is the OpenAI-compatible base URL (ending in /v1); the second is a JSON
 * object {"url","geminiUrl","controlUrl","port"}. Drive it with POST /__control, GET /__stats,
 * POST /__reset. Stops on SIGINT/SIGTERM or when stdin closes if --exit-on-stdin-close is given.
 */
import { startFakeLlm, type FakeLlmOptions } from "./fake-llm-server";

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = "true";
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const num = (k: string) => (args[k] !== undefined ? Number(args[k]) : undefined);
  const opts: Partial<FakeLlmOptions> & { port?: number; host?: string } = {
    port: num("port") ?? 0,
    host: args.host ?? "127.0.0.1",
    latencyMs: num("latency-ms"),
    seed: num("seed"),
    failureRate: num("failure-rate"),
    rateLimitEvery: num("rate-limit-every"),
    retryAfterSeconds: num("retry-after"),
    apiKey: args["api-key"],
    ...(args.config ? (JSON.parse(args.config) as Partial<FakeLlmOptions>) : {}),
  };
  for (const [k, v] of Object.entries(opts)) if (v === undefined || (typeof v === "number" && Number.isNaN(v))) delete (opts as Record<string, unknown>)[k];
  const fake = await startFakeLlm(opts);
  process.stdout.write(`${fake.url}\n`);
  process.stdout.write(`${JSON.stringify({ url: fake.url, geminiUrl: fake.geminiUrl, controlUrl: fake.controlUrl, port: fake.port })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void fake.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  if (args["exit-on-stdin-close"]) {
    process.stdin.on("end", stop);
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
