import { Fragment } from "react";

/**
 * The Markdown the endpoint descriptions and error help use: code spans (`like_this`) and nothing
 * else (tests/integration/api-endpoints.test.ts holds them to that). Rendered as elements, never as HTML.
 */
export function InlineMarkdown({ text }: { text: string }) {
  return text.split("`").map((part, i) =>
    i % 2 === 1 ? (
      <code key={i} className="bg-muted rounded px-1 font-mono text-[0.9em]">
        {part}
      </code>
    ) : (
      <Fragment key={i}>{part}</Fragment>
    ),
  );
}
