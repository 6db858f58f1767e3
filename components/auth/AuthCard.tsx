import type { ReactNode } from "react";
import { Card } from "../ui/Card";

export type AuthCardProps = { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode };

export function AuthCard({ title, subtitle, children, footer }: AuthCardProps) {
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="font-serif text-2xl font-semibold tracking-tight text-zinc-900 dark:text-white">{title}</h1>
      {subtitle ? <p className="mt-1.5 text-sm text-zinc-600 dark:text-zinc-400">{subtitle}</p> : null}
      <div className="mt-6">{children}</div>
      {footer ? <div className="mt-6 border-t border-zinc-200 pt-5 text-sm text-zinc-700 dark:border-zinc-800 dark:text-zinc-300">{footer}</div> : null}
    </Card>
  );
}
