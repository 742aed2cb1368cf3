/**
 * What every server action returns; forms render `message` and `fieldErrors` beside the fields.
 * A form action (one driven by `useActionState`) also echoes the submitted `values` on failure:
 * React resets a form after its action, and the fields come back with these as their defaults,
 * so nothing typed is lost.
 */
export type ActionResult<T = undefined, Values = never> =
  | { ok: true; data: T; message?: string }
  | { ok: false; message: string; fieldErrors?: Record<string, string[] | undefined>; values?: Values };

/** Server actions take whatever a client sends: a form action's second argument may be no form at all. */
export const NOT_A_FORM = "The form could not be read. Reload the page and submit it again.";

/** An object action's argument that isn't one (null, a string, an array): what a hand-made request may send. */
export const NOT_AN_INPUT = "The request could not be read. Reload the page and try again.";
