import type { Metadata } from "next";
import type { ReactNode } from "react";
import { GeistSans } from "geist/font/sans";
import { GeistMono } from "geist/font/mono";
import { TRPCReactProvider } from "@/lib/trpc";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "SPRINT Studio", template: "%s · SPRINT Studio" },
  description: "Curate, fine-tune and run interleaved-planning parallel reasoning models (SPRINT).",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="min-h-screen font-sans">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
