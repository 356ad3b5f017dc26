import type { LiveStatus } from "@/lib/live/event-stream";
import { cn } from "@/lib/utils";

const SHOWN: Record<LiveStatus, { text: string; detail: string; dot: string }> = {
  connecting: { text: "Connecting…", detail: "Connecting to live updates.", dot: "bg-muted-foreground" },
  live: { text: "Live", detail: "Changes made elsewhere appear here as they happen.", dot: "bg-emerald-500" },
  reconnecting: {
    text: "Reconnecting…",
    detail: "Live updates paused; changes made elsewhere will appear once reconnected.",
    dot: "bg-amber-500",
  },
  offline: {
    text: "Offline",
    detail: "Live updates are off; changes made elsewhere will appear once the connection is back.",
    dot: "bg-destructive",
  },
};

/**
 * Whether changes made elsewhere show up here: in words (the dot only
 * repeats them), announced politely when it changes.
 */
export function LiveIndicator({ status, className }: { status: LiveStatus; className?: string }) {
  const shown = SHOWN[status];
  return (
    <p
      role="status"
      data-testid="live-status"
      data-status={status}
      title={shown.detail}
      className={cn("flex shrink-0 items-center gap-1.5 text-xs text-muted-foreground", className)}
    >
      <span aria-hidden className={cn("size-2 rounded-full", shown.dot, status === "connecting" && "opacity-60")} />
      <span className="sr-only">Live updates: </span>
      {shown.text}
    </p>
  );
}
