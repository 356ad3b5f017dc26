import { AlertTriangle, RefreshCw } from "lucide-react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

/** A change failed because the task service could not be reached: say so, and offer to try again. */
export function OutageBanner({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <Alert variant="warning" aria-live="assertive">
      <AlertTriangle aria-hidden />
      <div className="flex flex-1 flex-wrap items-center justify-between gap-2">
        <div>
          <p className="font-medium">{message}</p>
          <p className="text-muted-foreground">Your changes were not lost; try again in a moment.</p>
        </div>
        <Button variant="outline" size="sm" onClick={onRetry}>
          <RefreshCw aria-hidden />
          Retry
        </Button>
      </div>
    </Alert>
  );
}
