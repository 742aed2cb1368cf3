// Server actions are POSTs that Next decodes (React's reply format) before any of our code runs, and
// Next answers every failure of that decoding with a 500: an empty or non-JSON body, a multipart
// body it can't parse, a reference to a part that isn't there, a body over its size limit, an Origin
// it can't parse. proxy.ts checks those requests here first and refuses them with a 4xx.
//
// What passes is what React's client (encodeReply) sends for the values this app's actions take:
// a JSON list of arguments made of JSON values, `undefined`, NaN, ±Infinity, -0, dates, bigints,
// a FormData (in a multipart body), and references to an object sent twice in the same list.

/** Mirrored by `serverActions.bodySizeLimit` in next.config.ts. Our actions take a few KB. */
export const SERVER_ACTION_BODY_LIMIT = 256 * 1024;

/** Deeper than any argument of ours; React's decoder recurses, and a deep enough body overflows its stack. */
const MAX_DEPTH = 32;
const MAX_ARGUMENTS = 16;

export type ActionRefusal = { status: 400 | 403 | 413 | 415; message: string };

type HeaderBag = { get(name: string): string | null; has(name: string): boolean };

/** What Next handles as a possible server action: its own test (lib/server-action-request-meta in Next). */
export function isPossibleServerAction(method: string, headers: HeaderBag): boolean {
  return method === "POST" && (headers.has("next-action") || (headers.get("content-type") ?? "").startsWith("multipart/form-data"));
}

const refuse = (status: ActionRefusal["status"], message: string): ActionRefusal => ({ status, message });
const malformed = (detail: string) => refuse(400, `Malformed server action request: ${detail}. Reload the page and submit the form again.`);

/**
 * Next's CSRF check, made before it (Next aborts a cross-origin action, or one whose Origin it can't
 * parse, with a 500): a request that carries an Origin must come from the host it was sent to
 * (X-Forwarded-Host, else Host). A request without an Origin is let through, as Next does.
 */
function checkOrigin(headers: HeaderBag): ActionRefusal | null {
  const origin = headers.get("origin");
  if (origin === null) return null;
  let originHost: string | null = null;
  try {
    originHost = origin === "null" ? null : new URL(origin).host;
  } catch {
    originHost = null;
  }
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!originHost || !host || originHost !== host) return refuse(403, "Server actions are only accepted from this site's own pages.");
  return null;
}

async function readBody(request: Request): Promise<Uint8Array | ActionRefusal> {
  const tooLarge = refuse(413, `The request body is larger than ${SERVER_ACTION_BODY_LIMIT / 1024} KB.`);
  if (Number(request.headers.get("content-length")) > SERVER_ACTION_BODY_LIMIT) return tooLarge;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      return malformed("the body could not be read to its end");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > SERVER_ACTION_BODY_LIMIT) {
      void reader.cancel().catch(() => {});
      return tooLarge;
    }
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks, size);
}

type Model = { root: unknown };
type Allowed = { formData: boolean; sharedObjects: boolean };

const SPECIAL_VALUES = new Set(["$undefined", "$NaN", "$Infinity", "$-Infinity", "$-0"]);

/** Whether React's decoder reads `value` as a value we take, rather than as a reference it can't resolve. */
function allowedString(value: string, model: Model, allowed: Allowed): boolean {
  if (value[0] !== "$") return true;
  const tag = value[1];
  if (tag === "$" || tag === "D" || SPECIAL_VALUES.has(value)) return true;
  if (tag === "n") return /^-?\d{1,300}$/.test(value.slice(2));
  if (tag === "K") return allowed.formData && /^[0-9a-f]{1,8}$/.test(value.slice(2));
  // "$0:key:key": an object that appears twice in the arguments, sent once and then by its path in
  // the root list. The path must lead, through objects and lists, to an object.
  if (allowed.sharedObjects && value.startsWith("$0:")) {
    let target = model.root;
    for (const key of value.slice(3).split(":")) {
      if (typeof target !== "object" || target === null || !Object.hasOwn(target, key)) return false;
      target = (target as Record<string, unknown>)[key];
    }
    return typeof target === "object" && target !== null;
  }
  return false;
}

/** A JSON model of React's reply format, whose root is the list of the action's arguments. */
function checkModel(json: string, allowed: Allowed): ActionRefusal | null {
  let root: unknown;
  try {
    root = JSON.parse(json);
  } catch {
    return malformed("the arguments are not JSON");
  }
  if (!Array.isArray(root)) return malformed("the arguments are not a list");
  // Next refuses more than 1000 arguments with a 500; no action here takes more than a few.
  if (root.length > MAX_ARGUMENTS) return malformed("too many arguments");
  const model = { root };
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === "string") {
      if (!allowedString(value, model, allowed)) return malformed("an argument is of a kind no action here takes");
    } else if (typeof value === "object" && value !== null) {
      if (depth >= MAX_DEPTH) return malformed("the arguments are nested too deeply");
      for (const item of Object.values(value)) stack.push([item, depth + 1]);
    }
  }
  return null;
}

/** The only field of that name, if it is text. */
function onlyText(form: FormData, name: string): string | null {
  const values = form.getAll(name);
  return values.length === 1 && typeof values[0] === "string" ? values[0] : null;
}

/**
 * A form posted by the browser itself (before hydration, or without JavaScript) to an action with
 * bound arguments (`useActionState`): `$ACTION_REF_n` names the fields `$ACTION_n:0`, the action's
 * `{"id", "bound"}`, and `$ACTION_n:1`, the bound arguments. Next checks the ids; a missing or
 * malformed part is its 500.
 */
function checkFormPost(form: FormData): ActionRefusal | null {
  for (const key of new Set(form.keys())) {
    if (!key.startsWith("$ACTION_REF_")) continue;
    const prefix = `$ACTION_${key.slice("$ACTION_REF_".length)}:`;
    const descriptor = onlyText(form, `${prefix}0`);
    let parsed: unknown;
    try {
      parsed = descriptor === null ? null : JSON.parse(descriptor);
    } catch {
      parsed = null;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return malformed("the form's action is not described");
    const { id, bound, ...rest } = parsed as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || typeof id !== "string" || id.startsWith("$")) return malformed("the form's action is not described");
    if (bound === null) continue;
    const part = typeof bound === "string" && /^\$@[0-9a-f]{1,8}$/.test(bound) ? onlyText(form, `${prefix}${parseInt(bound.slice(2), 16)}`) : null;
    if (part === null) return malformed("the form's bound arguments are missing");
    const refusal = checkModel(part, { formData: false, sharedObjects: false });
    if (refusal) return refusal;
  }
  return null;
}

/**
 * Refuses, with a 4xx, a server-action request that Next would answer with a 500 before our action
 * runs. `request` is read (proxy.ts gets a copy of the body; the page gets its own).
 */
export async function checkServerActionRequest(request: Request): Promise<ActionRefusal | null> {
  const originRefusal = checkOrigin(request.headers);
  if (originRefusal) return originRefusal;
  const contentType = request.headers.get("content-type") ?? "";
  const fetchAction = request.headers.has("next-action");
  const multipart = contentType.startsWith("multipart/form-data");
  // Next decodes any other type but this one as text; React's client sends text/plain or multipart.
  if (fetchAction && !multipart && contentType.split(";")[0]!.trim().toLowerCase() !== "text/plain") {
    return refuse(415, "A server action is sent as text/plain or multipart/form-data.");
  }
  const body = await readBody(request);
  if (!(body instanceof Uint8Array)) return body;
  if (!multipart) {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      return malformed("the body is not UTF-8");
    }
    return checkModel(text, { formData: false, sharedObjects: true });
  }
  let form: FormData;
  try {
    form = await new Request("http://action.invalid/", { method: "POST", headers: { "content-type": contentType }, body: body as Uint8Array<ArrayBuffer> }).formData();
  } catch {
    return malformed("the multipart body can't be parsed");
  }
  if (!fetchAction) return checkFormPost(form);
  const root = onlyText(form, "0");
  if (root === null) return malformed("the arguments are missing");
  return checkModel(root, { formData: true, sharedObjects: true });
}
