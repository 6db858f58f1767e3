import { getConfig } from "@/lib/config";
import { LANGUAGES, availableProcessors } from "@/lib/jobs/options";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Public limits the upload form mirrors client-side. */
export function GET() {
  const cfg = getConfig();
  return Response.json({ maxUploadBytes: cfg.maxUploadBytes, languages: LANGUAGES, processors: availableProcessors() });
}
