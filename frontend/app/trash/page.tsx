import type { Metadata } from "next";

import { TrashView } from "@/components/trash/trash-view";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Trash" };

export default async function TrashPage() {
  const session = await requireSession("/trash");
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Trash</h1>
        <p className="text-sm text-muted-foreground">
          Deleted tasks and lists stay here for 30 days. Restore one to put it back where it was.
        </p>
      </div>
      <TrashView userId={session.user.id} />
    </div>
  );
}
