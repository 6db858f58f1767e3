import type { Metadata, Viewport } from "next";
import { getServerSession } from "next-auth";
import type { ReactNode } from "react";
import { connection } from "next/server";
import { getAuthOptions } from "@/lib/auth/options";
import { NavBar } from "@/components/NavBar";
import { Providers } from "./providers";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Folio", template: "%s · Folio" },
  description: "Folio turns book-length PDFs into clean, ordered sentence lists.",
  icons: { icon: "/favicon.svg" },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fafafa" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request: the CSP nonce from proxy.ts is only stamped on scripts at
  // request time, and a page prerendered at build time would have un-nonced scripts the CSP blocks.
  await connection();
  const session = await getServerSession(getAuthOptions());
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:fixed focus:left-4 focus:top-4 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-zinc-900 focus:shadow-lg dark:focus:bg-zinc-900 dark:focus:text-zinc-100"
        >
          Skip to content
        </a>
        <Providers session={session}>
          <NavBar />
          <main id="main" tabIndex={-1} className="flex-1 focus:outline-none">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
