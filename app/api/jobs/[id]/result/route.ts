import { ApiError } from "@/lib/http/errors";
import { jobRoute } from "@/lib/http/job-route";
import { loadSentences, renderResult, RESULT_FORMATS, type ResultFormat } from "@/lib/jobs/result";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = jobRoute(async (req, job) => {
  const format = (req.nextUrl.searchParams.get("format") ?? "json") as ResultFormat;
  if (!RESULT_FORMATS.includes(format)) throw new ApiError(400, "INVALID_FORMAT", `format must be one of ${RESULT_FORMATS.join(", ")}.`);
  if (job.status !== "COMPLETED" && job.status !== "PARTIAL_SUCCESS") {
    throw new ApiError(409, "RESULT_NOT_READY", `The job is ${job.status.toLowerCase().replace("_", " ")}; results are ready once it completes.`);
  }
  const { body, contentType } = renderResult(await loadSentences(job.id), format, { status: job.status, partial: job.status === "PARTIAL_SUCCESS", ocrPages: job.ocrPages, pagesWithoutText: job.pagesWithoutText });
  const base = job.fileName.replace(/\.pdf$/i, "").replace(/[^\w.-]+/g, "_") || "sentences";
  return new Response(body, {
    headers: {
      "Content-Type": contentType,
      "Content-Disposition": `attachment; filename="${base}.${format}"`,
      "X-Folio-Partial": job.status === "PARTIAL_SUCCESS" ? "true" : "false",
    },
  });
});
