import { CheckCircle2, Filter, ShieldCheck } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";

import { Alert } from "@/components/ui/alert";
import { buttonVariants } from "@/components/ui/button";
import { optionalSession } from "@/lib/session";
import { cn } from "@/lib/utils";

export default async function Home({ searchParams }: PageProps<"/">) {
  const session = await optionalSession().catch(() => null);
  if (session) redirect("/dashboard");
  const { deleted } = await searchParams;
  return (
    <div className="grid gap-8 py-6 sm:py-12">
      {deleted ? (
        <Alert aria-live="polite">
          <CheckCircle2 aria-hidden className="text-success" />
          <p>Your account and all of its tasks have been deleted.</p>
        </Alert>
      ) : null}
      <div className="grid gap-4 text-center">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Your tasks, kept in order.</h1>
        <p className="mx-auto max-w-xl text-muted-foreground">
          Add what needs doing, give it a priority and a due date, and find it again with filters and search.
        </p>
        <div className="flex justify-center gap-3">
          <Link href="/sign-up" className={cn(buttonVariants({ size: "lg" }))}>
            Create an account
          </Link>
          <Link href="/sign-in" className={cn(buttonVariants({ size: "lg", variant: "outline" }))}>
            Sign in
          </Link>
        </div>
      </div>
      <ul className="grid gap-3 sm:grid-cols-3">
        {[
          {
            icon: CheckCircle2,
            title: "Plan and finish",
            text: "Priorities, categories and due dates; overdue work stands out.",
          },
          { icon: Filter, title: "Find anything", text: "Filter by status, priority and label, search, and sort." },
          {
            icon: ShieldCheck,
            title: "Private",
            text: "Only you can see your tasks. Delete your account and they go too.",
          },
        ].map(({ icon: Icon, title, text }) => (
          <li key={title} className="grid gap-1 rounded-lg border bg-card p-4">
            <Icon className="size-5 text-primary" aria-hidden />
            <h2 className="font-medium">{title}</h2>
            <p className="text-sm text-muted-foreground">{text}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
