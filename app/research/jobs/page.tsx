import Link from "next/link";
import { getDb } from "@/db/client";
import { STAFF } from "@/lib/auth/roles";
import { requirePageRole } from "@/lib/auth/session";
import { listJobViews } from "@/lib/jobs/views";
import { JobTable } from "@/app/components/job-table";

export const dynamic = "force-dynamic";

export default async function JobsPage() {
  await requirePageRole(STAFF, "/research/jobs");
  const jobs = listJobViews(getDb(), { limit: 200 });
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-xl font-semibold">Jobs</h1>
        <p className="text-sm text-slate-600">
          Generation and training runs, newest first. Admins start generation from a project&apos;s page; models are in the{" "}
          <Link href="/research/models" className="text-indigo-700 underline">
            model registry
          </Link>
          .
        </p>
      </div>
      <JobTable jobs={jobs} />
    </div>
  );
}
