import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
// Steps of a big book can take a while; let platforms that honour this keep the request open.
export const maxDuration = 300;

export const { GET, POST, PUT } = serve({ client: inngest, functions });
