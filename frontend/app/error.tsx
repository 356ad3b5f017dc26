"use client";

import { AlertTriangle, RefreshCw } from "lucide-react";

import { Button } from "@/components/ui/button";

/** The last line of defence: a page that failed to render offers a retry instead of a blank screen. */
export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto grid max-w-md justify-items-center gap-3 py-16 text-center">
      <AlertTriangle className="size-10 text-destructive" aria-hidden />
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="text-sm text-muted-foreground">
        The page could not be shown. Nothing you saved is lost; please try again.
      </p>
      <Button variant="outline" onClick={reset}>
        <RefreshCw aria-hidden />
        Try again
      </Button>
    </div>
  );
}
