"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { Alert } from "../ui/Alert";
import { Button } from "../ui/Button";
import { Field, TextInput } from "../ui/Field";
import { AuthCard } from "./AuthCard";
import { OAuthButtons, type OAuthProvider } from "./OAuthButtons";
import { validateEmail } from "./validation";
import { safeCallbackPath } from "@/lib/auth/callback-url";

export type SignInFormProps = {
  /** Where to go after signing in (already checked to be a local path). */
  callbackUrl: string;
  providers: OAuthProvider[];
  /** next-auth's `?error=` code, if the page was opened after a failed attempt. */
  errorCode: string | null;
};

function messageForErrorCode(code: string | null): string | null {
  if (!code) return null;
  if (code === "CredentialsSignin") return "Wrong email or password.";
  if (code === "TooManyAttempts") return "Too many failed sign-ins. Please wait a few minutes and try again.";
  if (code === "PendingApproval") return "Your account is waiting for an administrator's approval.";
  if (code === "SignupDisabled") return "New accounts need an invitation on this server; ask an administrator.";
  if (code === "SessionRequired") return "Please sign in to continue.";
  if (code === "OAuthAccountNotLinked") return "This email is already used by another sign-in method.";
  if (code === "AccessDenied") return "Access was denied.";
  return "Sign-in failed. Please try again.";
}

export function SignInForm({ callbackUrl, providers, errorCode }: SignInFormProps) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [showErrors, setShowErrors] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(() => messageForErrorCode(errorCode));

  const emailError = validateEmail(email);
  const passwordError = password ? null : "Enter your password.";

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setShowErrors(true);
    if (emailError || passwordError) {
      const firstInvalid = e.currentTarget.querySelector<HTMLInputElement>(emailError ? "#signin-email" : "#signin-password");
      firstInvalid?.focus();
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const res = await signIn("credentials", { email: email.trim(), password, redirect: false });
      if (!res || res.error) {
        setError(res?.error ? messageForErrorCode(res.error) : "Could not reach the server. Please try again.");
        setSubmitting(false);
        return;
      }
      // Checked again here: this prop is the last step before navigation (defence in depth).
      router.push(safeCallbackPath(callbackUrl));
      router.refresh();
    } catch {
      setError("Could not reach the server. Please try again.");
      setSubmitting(false);
    }
  }

  return (
    <AuthCard
      title="Sign in"
      subtitle="Welcome back. Sign in to upload books and follow your jobs."
      footer={
        <>
          New to Folio?{" "}
          <Link href="/signup" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-400">
            Create an account
          </Link>
        </>
      }
    >
      {error ? (
        <Alert variant="error" className="mb-5">
          {error}
        </Alert>
      ) : null}
      <form noValidate onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
        <Field id="signin-email" label="Email" error={showErrors ? emailError : null}>
          {(aria) => (
            <TextInput
              {...aria}
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field id="signin-password" label="Password" error={showErrors ? passwordError : null}>
          {(aria) => (
            <TextInput
              {...aria}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Button type="submit" className="w-full" loading={submitting}>
          {submitting ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <OAuthButtons providers={providers} callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
