"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiFetch, errorMessage, jsonInit } from "../api";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field, TextInput } from "../ui/Field";
import { tokensQueryKey, type CreatedToken } from "./types";

export type CreateTokenFormProps = { onCreated: (created: CreatedToken & { name: string }) => void };

export function CreateTokenForm({ onCreated }: CreateTokenFormProps) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [showError, setShowError] = useState(false);
  const trimmed = name.trim();
  const nameError = !trimmed ? "Give the token a name, like “laptop” or “CI”." : trimmed.length > 60 ? "Use at most 60 characters." : null;

  const create = useMutation({
    mutationFn: (tokenName: string) => apiFetch<CreatedToken>("/api/tokens", jsonInit("POST", { name: tokenName })),
    onSuccess: (created, tokenName) => {
      setName("");
      setShowError(false);
      onCreated({ ...created, name: tokenName });
      void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setShowError(true);
    if (nameError) {
      e.currentTarget.querySelector<HTMLInputElement>("#token-name")?.focus();
      return;
    }
    create.mutate(trimmed);
  }

  return (
    <form noValidate onSubmit={onSubmit} aria-label="Create an API token" className="space-y-3">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
        <Field id="token-name" label="New token name" error={showError ? nameError : null} className="flex-1">
          {(aria) => (
            <TextInput {...aria} name="name" maxLength={60} autoComplete="off" placeholder="e.g. laptop" value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <Button type="submit" loading={create.isPending} className="sm:mt-7">
          Create token
        </Button>
      </div>
      {create.isError ? <Alert variant="error">{errorMessage(create.error)}</Alert> : null}
    </form>
  );
}
