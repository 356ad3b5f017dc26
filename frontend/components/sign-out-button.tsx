"use client";

import { LogOut } from "lucide-react";
import { useRouter } from "next/navigation";
import * as React from "react";

import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/sonner";
import { apiTokens } from "@/lib/api-token";
import { authClient } from "@/lib/auth-client";

export function SignOutButton() {
  const router = useRouter();
  const [busy, setBusy] = React.useState(false);

  async function signOut() {
    setBusy(true);
    try {
      const { error } = await authClient.signOut();
      if (error) {
        toast.error("Could not sign out", { description: error.message ?? "Please try again." });
        return;
      }
      apiTokens.clear();
      router.replace("/sign-in");
      router.refresh();
    } catch {
      toast.error("Could not sign out", { description: "The server is not answering." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button variant="ghost" size="sm" onClick={signOut} disabled={busy} className="px-2 sm:px-3">
      <LogOut aria-hidden />
      <span className="sr-only sm:not-sr-only">Sign out</span>
    </Button>
  );
}
