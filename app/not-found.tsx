import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto mt-16 max-w-md text-center">
      <h1 className="text-2xl font-semibold">404 — not found</h1>
      <Link href="/" className="mt-4 inline-block text-indigo-700 underline">
        Back to your home page
      </Link>
    </div>
  );
}
