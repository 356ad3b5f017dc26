"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import * as React from "react";

import { FormError } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { authClient } from "@/lib/auth-client";
import { PASSWORD_MAX_LENGTH } from "@/lib/password-rule";

import { describeAuthError } from "./auth-errors";
import { PasswordChecklist } from "./password-checklist";

export function SignUpForm() {
  const router = useRouter();
  const [name, setName] = React.useState("");
  const [email, setEmail] = React.useState("");
  const [password, setPassword] = React.useState("");
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    if (!name.trim() || !email.trim() || !password) {
      setError("Fill in your name, email and a password.");
      return;
    }
    setBusy(true);
    try {
      // The server enforces the password rule; its message says what is missing.
      const { error: authError } = await authClient.signUp.email({ name: name.trim(), email: email.trim(), password });
      if (authError) {
        setError(describeAuthError(authError, "create your account"));
        return;
      }
      router.replace("/dashboard");
      router.refresh();
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate aria-describedby={error ? "sign-up-error" : undefined}>
      <FormError message={error} id="sign-up-error" />
      <div className="grid gap-1.5">
        <Label htmlFor="name">Name</Label>
        <Input id="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="email">Email</Label>
        <Input
          id="email"
          type="email"
          autoComplete="email"
          inputMode="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="password">Password</Label>
        <Input
          id="password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX_LENGTH}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-describedby="password-rule"
          required
        />
        <PasswordChecklist id="password-rule" password={password} />
      </div>
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Creating your account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-primary underline-offset-4 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
