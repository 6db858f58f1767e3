import { z } from "zod";
import { log } from "@/lib/log";

/** An error that maps to the API's `{ error: { code, message } }` shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function errorResponse(err: ApiError): Response {
  const body: { error: { code: string; message: string; details?: unknown } } = {
    error: { code: err.code, message: err.message },
  };
  if (err.details !== undefined) body.error.details = err.details;
  return Response.json(body, { status: err.status, headers: err.headers });
}

export function fromZod(err: z.ZodError, code = "INVALID_INPUT"): ApiError {
  const first = err.issues[0];
  const where = first?.path.length ? `${first.path.join(".")}: ` : "";
  return new ApiError(400, code, `${where}${first?.message ?? "invalid input"}`, {}, err.issues);
}

type Handler<R extends Request, C> = (req: R, ctx: C) => Promise<Response>;

/** Wraps a route handler so thrown ApiErrors (and surprises) become JSON error answers. */
export function handle<R extends Request, C = unknown>(fn: Handler<R, C>): Handler<R, C> {
  return async (req, ctx) => {
    try {
      return await fn(req, ctx);
    } catch (err) {
      if (err instanceof ApiError) return errorResponse(err);
      if (err instanceof z.ZodError) return errorResponse(fromZod(err));
      log.error("unhandled route error", { url: req.url, err: String(err), stack: (err as Error)?.stack });
      return errorResponse(new ApiError(500, "INTERNAL_ERROR", "Something went wrong on our side."));
    }
  };
}
