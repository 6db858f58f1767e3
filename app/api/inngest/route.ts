import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";
import { inngestEndpointRefusal } from "@/lib/inngest-endpoint";
import { log } from "@/lib/log";
import { warmParsePool } from "@/lib/sandbox/parse-pool";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// Steps of a big book can take a while; let platforms that honour this keep the request open.
export const maxDuration = 300;

const handlers = serve({ client: inngest, functions });

let warned = false;
/** The SDK's handler, or a 404 where this process must not answer Inngest calls (lib/inngest-endpoint.ts). */
function guarded<A extends unknown[]>(handler: (...args: A) => Promise<Response>) {
  return async (...args: A): Promise<Response> => {
    const refusal = inngestEndpointRefusal();
    if (refusal === null) {
      // This process runs the functions: start the parsing children before the first job needs them.
      warmParsePool();
      return handler(...args);
    }
    if (!warned) {
      warned = true;
      log.warn("inngest endpoint refused", { reason: refusal });
    }
    return Response.json({ error: { code: "NOT_FOUND", message: "Not found." } }, { status: 404 });
  };
}

export const GET = guarded(handlers.GET);
export const POST = guarded(handlers.POST);
export const PUT = guarded(handlers.PUT);
