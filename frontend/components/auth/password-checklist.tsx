"use client";

import { Check, X } from "lucide-react";

import { Progress } from "@/components/ui/progress";
import { checkPassword, passwordStrength } from "@/lib/password-rule";
import { cn } from "@/lib/utils";

const meterColour = ["bg-destructive", "bg-destructive", "bg-warning", "bg-success", "bg-success"] as const;

/** The password rule as a live checklist, with a strength meter. */
export function PasswordChecklist({ password, id }: { password: string; id: string }) {
  const checks = checkPassword(password);
  const strength = passwordStrength(password);
  return (
    <div id={id} className="grid gap-2">
      <div className="flex items-center gap-3">
        <Progress
          value={password ? Math.max(10, strength.score * 25) : 0}
          aria-label="Password strength"
          aria-valuetext={strength.label}
          indicatorClassName={meterColour[strength.score]}
          className="flex-1"
        />
        <span
          className="w-16 text-right text-xs font-medium text-muted-foreground"
          aria-live="polite"
          data-testid="password-strength"
        >
          {password ? strength.label : ""}
        </span>
      </div>
      <ul className="grid gap-1 text-xs sm:grid-cols-2" aria-label="Password requirements">
        {checks.map((c) => (
          <li
            key={c.id}
            data-met={c.met}
            className={cn("flex items-center gap-1.5", c.met ? "text-success" : "text-muted-foreground")}
          >
            {c.met ? <Check className="size-3.5" aria-hidden /> : <X className="size-3.5" aria-hidden />}
            {c.label}
            <span className="sr-only">{c.met ? "(done)" : "(missing)"}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
