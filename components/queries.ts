"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "./api";

export type Me = {
  user: { id: string; email: string; name: string | null; role: "USER" | "ADMIN" };
  credits: { balance: number };
};

export const meQueryKey = ["me"] as const;

/** The signed-in user and credit balance (GET /api/me). */
export function useMe(enabled = true) {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: () => apiFetch<Me>("/api/me"),
    enabled,
    staleTime: 15_000,
  });
}

export const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

export const LANGUAGES: { code: string; label: string }[] = [
  { code: "fr", label: "French" },
  { code: "en", label: "English" },
  { code: "de", label: "German" },
  { code: "es", label: "Spanish" },
  { code: "it", label: "Italian" },
  { code: "pt", label: "Portuguese" },
  { code: "nl", label: "Dutch" },
];

export type UploadConfig = {
  maxUploadBytes: number;
  languages: { code: string; label: string }[];
  /** Processors this deployment offers ("local" always; "llm" when a provider is configured). */
  processors: string[];
};

function toUploadConfig(raw: unknown): UploadConfig {
  const record = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const max = record.maxUploadBytes;
  const maxUploadBytes = typeof max === "number" && Number.isFinite(max) && max > 0 ? max : DEFAULT_MAX_UPLOAD_BYTES;
  const codes = Array.isArray(record.languages)
    ? record.languages
        .map((l: unknown) => (typeof l === "string" ? l : typeof l === "object" && l !== null && "code" in l ? String(l.code) : ""))
        .filter(Boolean)
    : [];
  const languages = codes.length
    ? codes.map((code) => LANGUAGES.find((l) => l.code === code) ?? { code, label: code.toUpperCase() })
    : LANGUAGES;
  const processors = Array.isArray(record.processors) ? record.processors.filter((p: unknown): p is string => typeof p === "string") : [];
  return { maxUploadBytes, languages, processors: processors.length ? processors : ["local"] };
}

/** Upload limits and choices (GET /api/config), with safe fallbacks when it is unavailable. */
export function useUploadConfig(): UploadConfig {
  const { data } = useQuery({
    queryKey: ["config"],
    queryFn: async () => toUploadConfig(await apiFetch<unknown>("/api/config")),
    staleTime: 5 * 60_000,
    retry: 1,
  });
  return data ?? { maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES, languages: LANGUAGES, processors: ["local"] };
}
