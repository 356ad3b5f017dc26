"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import * as React from "react";

import { Toaster } from "@/components/ui/sonner";

/** One query cache per browser tab (per request on the server), and the toaster. */
export function Providers({ children }: { children: React.ReactNode }) {
  const [queryClient] = React.useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // The task API's errors are answered by the UI (a retry button, a
            // banner, a redirect to sign in), not retried behind its back.
            retry: false,
            // The list changes only through this tab's own actions, which
            // update the cache; a reload or "Retry" reads it again.
            refetchOnWindowFocus: false,
          },
          mutations: { retry: false },
        },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      {children}
      <Toaster />
    </QueryClientProvider>
  );
}
