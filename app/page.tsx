import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { getAuthOptions } from "@/lib/auth/options";
import { ButtonLink } from "@/components/ui/Button";

const FEATURES = [
  {
    title: "PDF in, sentences out",
    body: "Upload a whole novel. Folio extracts the text, mends words and lines broken by the page layout, and returns every sentence in reading order.",
  },
  {
    title: "French first",
    body: "Made for French novels first — guillemets, elisions and all — with English, German, Spanish, Italian, Portuguese and Dutch as well.",
  },
  {
    title: "Resumable, never pays twice",
    body: "Books are split into chunks. If one fails, only that chunk is retried, and finished work is cached so you are never charged for it again.",
  },
];

const SAMPLE = [
  "Longtemps, je me suis couché de bonne heure.",
  "Parfois, à peine ma bougie éteinte, mes yeux se fermaient si vite que je n’avais pas le temps de me dire : « Je m’endors. »",
  "Et, une demi-heure après, la pensée qu’il était temps de chercher le sommeil m’éveillait ; je voulais poser le volume que je croyais avoir encore dans les mains et souffler ma lumière…",
];

export default async function HomePage() {
  const session = await getServerSession(getAuthOptions());
  if (session) redirect("/upload");

  return (
    <div className="mx-auto max-w-6xl px-4 py-12 sm:px-6 sm:py-20">
      <section aria-labelledby="hero-title" className="grid items-center gap-12 lg:grid-cols-2">
        <div>
          <p className="text-sm font-semibold uppercase tracking-wider text-indigo-700 dark:text-indigo-400">Books to sentences</p>
          <h1 id="hero-title" className="mt-3 font-serif text-4xl font-semibold tracking-tight text-zinc-900 sm:text-5xl dark:text-white">
            Turn a book-length PDF into a clean, ordered list of sentences.
          </h1>
          <p className="mt-5 max-w-xl text-lg text-zinc-700 dark:text-zinc-300">
            Drop in a novel, get back every sentence in reading order — ready for flashcards, alignment or study. Built for
            French first.
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <ButtonLink href="/signup" size="lg">
              Create an account
            </ButtonLink>
            <ButtonLink href="/signin" size="lg" variant="secondary">
              Sign in
            </ButtonLink>
          </div>
        </div>
        <figure className="rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <figcaption className="flex items-center justify-between text-xs font-medium text-zinc-600 dark:text-zinc-400">
            <span>du-cote-de-chez-swann.pdf</span>
            <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-emerald-800 ring-1 ring-emerald-300 ring-inset dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800">
              Completed
            </span>
          </figcaption>
          <ol className="mt-4 space-y-3">
            {SAMPLE.map((sentence, i) => (
              <li key={i} className="flex gap-3 text-sm" lang="fr">
                <span className="w-5 shrink-0 text-right font-mono text-xs leading-6 text-zinc-500 dark:text-zinc-400">{i + 1}</span>
                <span className="font-serif leading-6 text-zinc-800 dark:text-zinc-200">{sentence}</span>
              </li>
            ))}
          </ol>
        </figure>
      </section>

      <section aria-labelledby="features-title" className="mt-20">
        <h2 id="features-title" className="sr-only">
          What Folio does
        </h2>
        <ul className="grid gap-6 md:grid-cols-3">
          {FEATURES.map((f) => (
            <li key={f.title} className="rounded-2xl border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900">
              <h3 className="font-semibold text-zinc-900 dark:text-white">{f.title}</h3>
              <p className="mt-2 text-sm leading-6 text-zinc-700 dark:text-zinc-300">{f.body}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
