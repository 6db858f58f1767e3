import Link from "next/link";

export function Wordmark() {
  return (
    <Link href="/" className="inline-flex items-center gap-2 rounded-md text-lg font-semibold tracking-tight text-zinc-900 dark:text-white">
      <svg viewBox="0 0 24 24" className="size-6 text-indigo-600 dark:text-indigo-400" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
        <path d="M4 19.5V5a2 2 0 0 1 2-2h12v16H6a2 2 0 0 0-2 2Zm0 0A2 2 0 0 0 6 21h12" />
        <path d="M8 7h6M8 11h6" />
      </svg>
      <span className="font-serif">Folio</span>
    </Link>
  );
}
