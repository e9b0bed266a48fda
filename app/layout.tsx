import type { Metadata } from "next";
import "./globals.css";
import { NavBar } from "./components/nav-bar";

export const metadata: Metadata = {
  title: "Palate",
  description: "Rank completions, train reward models, close the RLHF loop.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <NavBar />
        <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}
