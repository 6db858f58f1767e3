import { z } from "zod";
import { makeProvider, type CallFn } from "./base";
import { badAnswer, excerpt, networkError, parseRetryAfterMs, rateLimitedError, statusError } from "./errors";
import { SYSTEM_PROMPT, buildUserPrompt } from "./prompt";
import type { LlmConfig, LlmProvider } from "./types";

const ID = "openai";

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

async function bodyText(res: Response): Promise<string> {
  try {
    return await res.text();
  } catch {
    return "";
  }
}

/** Any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, llama.cpp, vLLM, LM Studio...). */
export function createOpenAiProvider(cfg: LlmConfig): LlmProvider {
  if (!cfg.baseUrl) throw new Error("the openai provider needs FOLIO_LLM_BASE_URL (e.g. http://localhost:11434/v1)");
  const url = `${cfg.baseUrl.replace(/\/+$/, "")}/chat/completions`;

  const call: CallFn = async (batch, req, signal) => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json",
      "x-folio-chunk": `${req.context.jobId}/${req.context.chunkIndex}`,
    };
    if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
    const body = JSON.stringify({
      model: cfg.model,
      messages: [
        { role: "system", content: SYSTEM_PROMPT },
        { role: "user", content: buildUserPrompt(batch, req.limit, req.language) },
      ],
      temperature: 0,
      response_format: { type: "json_object" },
    });

    let res: Response;
    try {
      res = await fetch(url, { method: "POST", headers, body, signal });
    } catch (err) {
      if (signal.aborted) throw err;
      throw networkError(ID, err);
    }
    if (res.status === 429) {
      const delay = parseRetryAfterMs(res.headers.get("retry-after-ms")) ?? parseRetryAfterMs(res.headers.get("retry-after"));
      const detail = excerpt(await bodyText(res));
      throw rateLimitedError(ID, delay, detail);
    }
    if (!res.ok) throw statusError(ID, res.status, excerpt(await bodyText(res)));

    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (signal.aborted) throw err;
      throw networkError(ID, err);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badAnswer(ID, `the response body is not JSON: ${JSON.stringify(excerpt(text, 200))}`);
    }
    const parsed = completionSchema.safeParse(json);
    if (!parsed.success) throw badAnswer(ID, `the response is not a chat completion: ${JSON.stringify(excerpt(text, 200))}`);
    const choice = parsed.data.choices[0];
    const usage = {
      inputTokens: parsed.data.usage?.prompt_tokens ?? 0,
      outputTokens: parsed.data.usage?.completion_tokens ?? 0,
    };
    if (choice.message.content == null) {
      throw badAnswer(ID, choice.message.refusal ? `refused: ${excerpt(choice.message.refusal, 200)}` : "the message has no content");
    }
    const finish = choice.finish_reason;
    return { text: choice.message.content, usage, incomplete: finish && finish !== "stop" ? finish : undefined };
  };

  return makeProvider(ID, cfg, call);
}
