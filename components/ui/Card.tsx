import type { ComponentProps } from "react";
import { cn } from "./cn";

export type CardProps = ComponentProps<"div">;

export function Card({ className, ...rest }: CardProps) {
  return (
    <div
      className={cn(
        "rounded-2xl border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900",
        className,
      )}
      {...rest}
    />
  );
}
