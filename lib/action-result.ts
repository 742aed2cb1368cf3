/**
 * What every server action returns; forms render `message` and `fieldErrors` beside the fields.
 * A form action (one driven by `useActionState`) also echoes the submitted `values` on failure:
 * React resets a form after its action, and the fields come back with these as their defaults,
 * so nothing typed is lost.
 */
export type ActionResult<T = undefined, Values = never> =
  | { ok: true; data: T; message?: string }
  | { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined>; values?: Values };
