import { CheckSquare, ListTodo, Settings } from "lucide-react";
import Link from "next/link";

import { AppShortcuts } from "@/components/shortcuts/app-shortcuts";
import { SignOutButton } from "@/components/sign-out-button";
import { buttonVariants } from "@/components/ui/button";
import { optionalSession } from "@/lib/session";
import { cn } from "@/lib/utils";

export async function NavBar() {
  const session = await optionalSession().catch(() => null);
  const user = session?.user;
  return (
    <header className="border-b bg-card/60 backdrop-blur">
      <nav aria-label="Main" className="mx-auto flex h-14 max-w-5xl items-center gap-1 px-4 sm:gap-2">
        <Link
          href={user ? "/dashboard" : "/"}
          className="mr-auto flex shrink-0 items-center gap-2 rounded-md font-semibold outline-none focus-visible:ring-2 focus-visible:ring-ring"
        >
          <CheckSquare className="size-5 text-primary" aria-hidden />
          Todo
        </Link>
        {user ? (
          <>
            <span
              className="min-w-0 max-w-[10rem] truncate text-sm text-muted-foreground sm:max-w-[16rem]"
              data-testid="signed-in-user"
              title={user.email}
            >
              <span className="sr-only">Signed in as </span>
              <span className="font-medium text-foreground">{user.name}</span>
              <span className="hidden sm:inline"> ({user.email})</span>
            </span>
            {/* Quick add (q) and the keyboard shortcuts (?), on every signed-in page. */}
            <AppShortcuts userId={user.id} />
            {/* Icons only on a phone; the words stay for screen readers. */}
            <Link href="/dashboard" className={cn(buttonVariants({ variant: "ghost", size: "sm" }), "px-2 sm:px-3")}>
              <ListTodo aria-hidden className="sm:hidden" />
              <span className="sr-only sm:not-sr-only">Tasks</span>
            </Link>
            <Link href="/settings" className={cn(buttonVariants({ variant: "ghost", size: "sm" }), "px-2 sm:px-3")}>
              <Settings aria-hidden className="sm:hidden" />
              <span className="sr-only sm:not-sr-only">Settings</span>
            </Link>
            <SignOutButton />
          </>
        ) : (
          <>
            <Link href="/sign-in" className={cn(buttonVariants({ variant: "ghost", size: "sm" }))}>
              Sign in
            </Link>
            <Link href="/sign-up" className={cn(buttonVariants({ size: "sm" }))}>
              Sign up
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
