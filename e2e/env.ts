/** Ports and accounts shared by playwright.config.ts and the specs. */
export const PORT = Number(process.env.FOLIO_E2E_PORT ?? 3210);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
/** The fake OpenAI-compatible LLM (tests/fakes/fake-llm-main.ts); specs drive failures through its POST /__control. */
export const FAKE_LLM_PORT = PORT + 2;
export const FAKE_LLM_URL = `http://127.0.0.1:${FAKE_LLM_PORT}`;
/** Seeded at start through FOLIO_ADMIN_EMAIL / FOLIO_ADMIN_PASSWORD. */
export const ADMIN_EMAIL = "admin@folio.test";
export const ADMIN_PASSWORD = "admin-password-e2e";
/**
 * How long a spec waits for a job state (a ceiling for a loaded machine, not an expected speed):
 * tests wait for states, never assume a speed. FOLIO_E2E_WAIT_MS overrides.
 */
export const STATE_MS = Number(process.env.FOLIO_E2E_WAIT_MS) || 180_000;
