import type { Metadata } from "next";

import { TaskBoard } from "@/components/tasks/task-board";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Your tasks" };

export default async function DashboardPage() {
  // proxy.ts already turned away visitors without a session cookie; this
  // checks that the cookie is a live session.
  const session = await requireSession("/dashboard");
  const firstName = session.user.name.split(/\s+/)[0] || session.user.name;
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Your tasks</h1>
        <p className="text-sm text-muted-foreground">Hello {firstName}, here is what is on your list.</p>
      </div>
      <TaskBoard userId={session.user.id} />
    </div>
  );
}
