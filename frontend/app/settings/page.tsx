import type { Metadata } from "next";

import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { DeleteAccount } from "@/components/settings/delete-account";
import { ExportImport } from "@/components/settings/export-import";
import { PreferencesForm } from "@/components/settings/preferences-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await requireSession("/settings");
  return (
    <div className="grid gap-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Settings</h1>
        <p className="text-sm text-muted-foreground">
          Signed in as {session.user.name} ({session.user.email}).
        </p>
      </div>
      <Card>
        <CardHeader>
          <CardTitle className="text-lg">
            <h2>Time zone and week</h2>
          </CardTitle>
          <CardDescription>Where you are decides when a task is due today, and when it is overdue.</CardDescription>
        </CardHeader>
        <CardContent>
          <PreferencesForm userId={session.user.id} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="text-lg">
            <h2>Change password</h2>
          </CardTitle>
          <CardDescription>
            Use at least 8 characters with upper- and lower-case letters, a digit and a symbol.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ChangePasswordForm />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle className="text-lg">
            <h2>Export and import</h2>
          </CardTitle>
          <CardDescription>
            Take your data with you, or bring it in from another account or from Todoist.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ExportImport userId={session.user.id} />
        </CardContent>
      </Card>
      <Card className="border-destructive/40">
        <CardHeader>
          <CardTitle className="text-lg">
            <h2>Delete account</h2>
          </CardTitle>
          <CardDescription>Deletes your account and every task in it. This cannot be undone.</CardDescription>
        </CardHeader>
        <CardContent className="grid">
          <DeleteAccount />
        </CardContent>
      </Card>
    </div>
  );
}
