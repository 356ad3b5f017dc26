import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { safeNextPath } from "@/components/auth/auth-errors";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { optionalSession } from "@/lib/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const { next } = await searchParams;
  const target = safeNextPath(typeof next === "string" ? next : null);
  const session = await optionalSession().catch(() => null);
  if (session) redirect(target);
  return (
    <Card className="mx-auto max-w-md">
      <CardHeader>
        <CardTitle>
          <h1>Sign in</h1>
        </CardTitle>
        <CardDescription>Welcome back. Your tasks are waiting.</CardDescription>
      </CardHeader>
      <CardContent>
        <SignInForm next={target} />
      </CardContent>
    </Card>
  );
}
