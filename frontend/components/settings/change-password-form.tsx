"use client";

import { AlertCircle, CheckCircle2 } from "lucide-react";
import * as React from "react";

import { describeAuthError } from "@/components/auth/auth-errors";
import { PasswordChecklist } from "@/components/auth/password-checklist";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { authClient } from "@/lib/auth-client";
import { PASSWORD_MAX_LENGTH } from "@/lib/password-rule";

export function ChangePasswordForm() {
  const [current, setCurrent] = React.useState("");
  const [next, setNext] = React.useState("");
  const [signOutOthers, setSignOutOthers] = React.useState(true);
  const [result, setResult] = React.useState<{ ok: boolean; message: string } | null>(null);
  const [busy, setBusy] = React.useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setResult(null);
    if (!current || !next) {
      setResult({ ok: false, message: "Enter your current password and a new one." });
      return;
    }
    setBusy(true);
    try {
      const { error } = await authClient.changePassword({
        currentPassword: current,
        newPassword: next,
        revokeOtherSessions: signOutOthers,
      });
      if (error) {
        setResult({ ok: false, message: describeAuthError(error, "change your password") });
        return;
      }
      setCurrent("");
      setNext("");
      setResult({ ok: true, message: "Your password has been changed." });
    } catch {
      setResult({ ok: false, message: "Could not reach the server. Check your connection and try again." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate aria-label="Change password">
      {result ? (
        <Alert variant={result.ok ? "default" : "destructive"} aria-live="polite">
          {result.ok ? <CheckCircle2 aria-hidden className="text-success" /> : <AlertCircle aria-hidden />}
          <p>{result.message}</p>
        </Alert>
      ) : null}
      <div className="grid gap-1.5">
        <Label htmlFor="current-password">Current password</Label>
        <Input
          id="current-password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="new-password">New password</Label>
        <Input
          id="new-password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX_LENGTH}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-describedby="new-password-rule"
        />
        <PasswordChecklist id="new-password-rule" password={next} />
      </div>
      <div className="flex items-center gap-2">
        <Checkbox
          id="sign-out-others"
          checked={signOutOthers}
          onCheckedChange={(checked) => setSignOutOthers(checked === true)}
        />
        <Label htmlFor="sign-out-others" className="font-normal">
          Sign out my other devices
        </Label>
      </div>
      <Button type="submit" disabled={busy} className="justify-self-start">
        {busy ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
