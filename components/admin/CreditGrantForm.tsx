"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { apiFetch, errorMessage, jsonInit } from "../api";
import { formatNumber } from "../format";
import { meQueryKey } from "../queries";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field, TextInput } from "../ui/Field";

type GrantResponse = { entry: { id: string; amount: number; note: string | null }; balance: number };
type GrantInput = { email: string; amount: number; note?: string };

function validate(email: string, amount: string): { email?: string; amount?: string } {
  const errors: { email?: string; amount?: string } = {};
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errors.email = "Enter the user's email address.";
  if (!/^\d+$/.test(amount.trim()) || Number(amount) < 1 || Number(amount) > 10_000_000) errors.amount = "Enter a whole number from 1 to 10,000,000.";
  return errors;
}

/** POST /api/admin/credits: gives a user credits (1 credit = 1 page). */
export function CreditGrantForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const [touched, setTouched] = useState(false);
  const errors = touched ? validate(email, amount) : {};

  const grant = useMutation({
    mutationFn: (input: GrantInput) => apiFetch<GrantResponse>("/api/admin/credits", jsonInit("POST", input)),
    onSuccess: () => {
      setAmount("");
      setNote("");
      setTouched(false);
      void queryClient.invalidateQueries({ queryKey: meQueryKey });
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setTouched(true);
    const problems = validate(email, amount);
    if (problems.email || problems.amount) {
      e.currentTarget.querySelector<HTMLElement>(problems.email ? "#grant-email" : "#grant-amount")?.focus();
      return;
    }
    grant.mutate({ email: email.trim(), amount: Number(amount), ...(note.trim() ? { note: note.trim() } : {}) });
  }

  return (
    <form noValidate onSubmit={onSubmit} aria-label="Grant credits" className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Field id="grant-email" label="User email" error={errors.email}>
          {(aria) => <TextInput {...aria} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field id="grant-amount" label="Credits" error={errors.amount} hint="1 credit = 1 page.">
          {(aria) => <TextInput {...aria} type="number" inputMode="numeric" min={1} step={1} value={amount} onChange={(e) => setAmount(e.target.value)} />}
        </Field>
      </div>
      <Field id="grant-note" label="Note" optional>
        {(aria) => <TextInput {...aria} maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} placeholder="Why, for the ledger" />}
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" loading={grant.isPending}>
          Grant credits
        </Button>
      </div>
      {grant.isSuccess ? (
        <Alert variant="success">
          Granted {formatNumber(grant.data.entry.amount)} credits to {grant.variables.email}. Their balance is now {formatNumber(grant.data.balance)}.
        </Alert>
      ) : null}
      {grant.isError ? <Alert variant="error">{errorMessage(grant.error)}</Alert> : null}
    </form>
  );
}
