// Embedded defaults shared by `npm start` and `npm run dev`.
export function defaultEnv(base) {
  const env = { ...base };
  env.PORT = env.PORT || "3000";
  env.HOST = env.HOST || "0.0.0.0";
  env.NEXTAUTH_URL = env.NEXTAUTH_URL || `http://localhost:${env.PORT}`;
  // No Inngest configured: talk to a local Inngest server (the bundled runner or `inngest dev`).
  if (!env.INNGEST_DEV && !env.INNGEST_BASE_URL && !env.INNGEST_EVENT_KEY) env.INNGEST_DEV = "1";
  return env;
}
