import type { TestProject } from "vitest/node";
import { startTestApp, type TestApp } from "./helpers/server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    eventsUrl: string;
    dataDir: string;
    databaseUrl: string;
    storageEnv: Record<string, string>;
    adminEmail: string;
    adminPassword: string;
  }
}

let app: TestApp | undefined;

/** Starts the real app (next start on a test build) against a fresh SQLite file, once per run. */
export default async function setup(project: TestProject) {
  // Every test signs up and signs in from 127.0.0.1: the per-address auth limits would add up
  // across files (tests/integration/security-auth.test.ts checks them on an app of its own).
  app = await startTestApp({ FOLIO_MAX_UPLOAD_MB: "5", FOLIO_UPLOADS_PER_HOUR: "6", FOLIO_SIGNUPS_PER_IP: "100000", FOLIO_SIGNIN_IP_MAX_FAILURES: "100000" });
  project.provide("baseUrl", app.baseUrl);
  project.provide("eventsUrl", app.eventsUrl);
  project.provide("dataDir", app.dataDir);
  project.provide("databaseUrl", app.databaseUrl ?? "");
  project.provide("storageEnv", app.storageEnv);
  project.provide("adminEmail", app.adminEmail);
  project.provide("adminPassword", app.adminPassword);
  return async () => {
    await app?.stop();
  };
}
