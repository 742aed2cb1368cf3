import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

export function cn(...inputs: ClassValue[]) {
  return twMerge(clsx(inputs));
}

/** An `aria-describedby` from the ids that apply (falsy ones are skipped), or undefined for none. */
export function describedBy(...candidates: (string | number | false | null | undefined)[]): string | undefined {
  return candidates.filter((c): c is string => typeof c === "string" && c !== "").join(" ") || undefined;
}
