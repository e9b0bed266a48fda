// Shared steps of the Playwright specs: signing in through the login form, stopping a worker.
import type { ChildProcess } from "node:child_process";
import type { Page } from "@playwright/test";
import { DEMO_PASSWORD } from "@/lib/demo/seed";

/** Signs in through the app's login form (the demo accounts' password by default). */
export async function signIn(page: Page, appUrl: string, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(`${appUrl}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the worker has exited. */
export async function stopWorker(worker: ChildProcess | undefined): Promise<void> {
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
  await new Promise<void>((done) => {
    worker.once("exit", () => done());
    worker.kill("SIGTERM");
    setTimeout(() => worker.kill("SIGKILL"), 5000).unref();
  });
}
