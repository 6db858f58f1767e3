"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { ApiRequestError, apiFetch, errorMessage, jsonInit } from "../api";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field, TextInput } from "../ui/Field";
import { AuthCard } from "./AuthCard";
import { OAuthButtons, type OAuthProvider } from "./OAuthButtons";
import { validateConfirmation, validateEmail, validateName, validateNewPassword } from "./validation";

export type SignUpFormProps = { providers: OAuthProvider[] };

type Values = { name: string; email: string; password: string; confirm: string };

function validate(v: Values) {
  return {
    name: validateName(v.name),
    email: validateEmail(v.email),
    password: validateNewPassword(v.password),
    confirm: validateConfirmation(v.password, v.confirm),
  };
}

export function SignUpForm({ providers }: SignUpFormProps) {
  const router = useRouter();
  const [values, setValues] = useState<Values>({ name: "", email: "", password: "", confirm: "" });
  const [showErrors, setShowErrors] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<{ message: string; emailTaken: boolean } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const errors = validate(values);
  const shown = (key: keyof Values) => (showErrors ? errors[key] : null);
  const set = (key: keyof Values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setShowErrors(true);
    const firstInvalid = (Object.keys(errors) as (keyof Values)[]).find((k) => errors[k]);
    if (firstInvalid) {
      e.currentTarget.querySelector<HTMLInputElement>(`#signup-${firstInvalid}`)?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    const email = values.email.trim();
    try {
      const created = await apiFetch<{ pending?: boolean; message?: string }>(
        "/api/users",
        jsonInit("POST", { email, password: values.password, name: values.name.trim() || undefined }),
      );
      // FOLIO_SIGNUP=approval: nothing to sign in to until an administrator approves the account.
      if (created.pending) {
        setNotice(created.message ?? "Your account will be usable once an administrator approves it.");
        setSubmitting(false);
        return;
      }
    } catch (err) {
      setError({ message: errorMessage(err), emailTaken: err instanceof ApiRequestError && err.status === 409 });
      setSubmitting(false);
      return;
    }
    const res = await signIn("credentials", { email, password: values.password, redirect: false }).catch(() => undefined);
    if (!res || res.error) {
      router.push("/signin?callbackUrl=%2Fupload");
      return;
    }
    router.push("/upload");
    router.refresh();
  }

  return (
    <AuthCard
      title="Create your account"
      subtitle="Start turning PDFs into sentence lists. New accounts come with free credits."
      footer={
        <>
          Already have an account?{" "}
          <Link href="/signin" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-400">
            Sign in
          </Link>
        </>
      }
    >
      {notice ? (
        <Alert variant="info" className="mb-5">
          {notice}
        </Alert>
      ) : null}
      {error ? (
        <Alert variant="error" className="mb-5">
          {error.message}
          {error.emailTaken ? (
            <>
              {" "}
              <Link href="/signin" className="font-medium underline underline-offset-2">
                Sign in instead
              </Link>
              .
            </>
          ) : null}
        </Alert>
      ) : null}
      <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Create account">
        <Field id="signup-name" label="Name" optional error={shown("name")}>
          {(aria) => <TextInput {...aria} name="name" autoComplete="name" value={values.name} onChange={set("name")} />}
        </Field>
        <Field id="signup-email" label="Email" error={shown("email")}>
          {(aria) => (
            <TextInput {...aria} type="email" name="email" autoComplete="email" required value={values.email} onChange={set("email")} />
          )}
        </Field>
        <Field id="signup-password" label="Password" hint="At least 8 characters, hard to guess: a few unrelated words work well." error={shown("password")}>
          {(aria) => (
            <TextInput
              {...aria}
              type="password"
              name="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={values.password}
              onChange={set("password")}
            />
          )}
        </Field>
        <Field id="signup-confirm" label="Confirm password" error={shown("confirm")}>
          {(aria) => (
            <TextInput
              {...aria}
              type="password"
              name="confirm"
              autoComplete="new-password"
              required
              value={values.confirm}
              onChange={set("confirm")}
            />
          )}
        </Field>
        <Button type="submit" className="w-full" loading={submitting}>
          {submitting ? "Creating account…" : "Create account"}
        </Button>
      </form>
      <OAuthButtons providers={providers} callbackUrl="/upload" />
    </AuthCard>
  );
}
