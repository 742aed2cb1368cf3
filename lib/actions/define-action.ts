import "server-only";
import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { NOT_A_FORM, NOT_AN_INPUT, type ActionResult } from "@/lib/actions/result";
import { AccountError } from "@/lib/auth/accounts";
import { sessionActor } from "@/lib/auth/actor";
import { memberForAction, SERVICE_UNAVAILABLE, userIdForAction, type MemberContext } from "@/lib/auth/context";
import type { AuditActor } from "@/lib/domain/audit/events";
import { ApiKeyError } from "@/lib/domain/api-keys/store";
import { MemberError } from "@/lib/domain/members/members";
import { InvitationError } from "@/lib/domain/members/invitations";
import { OrganizationError } from "@/lib/domain/organizations/organizations";
import type { Permission, Role } from "@/lib/domain/permissions";
import { clientIp, userAgent } from "@/lib/platform/request-info";
import { measured } from "@/lib/platform/timing";
import { logSafe } from "@/lib/validation";

/**
 * The one way to write a server action: reading untrusted input, membership (or the signed-in
 * user), the permission, zod parsing, the audit actor and the error → message mapping happen here,
 * once, so an action's handler holds only what it does. A handler returns its data, or throws: a
 * domain error or an ActionRefusal becomes the user's message, anything else the action's fallback.
 * Our own rather than next-safe-action: it returns the ActionResult every useActionState form
 * already reads (next-safe-action's { data, validationErrors, serverError } would change them all).
 */

export type FieldErrors = Record<string, string[] | undefined>;
/** A refusal the user reads: the form's message, and the fields it belongs beside. */
export type Refusal<Values = never> = { message: string; fieldErrors?: FieldErrors; values?: Values };

export const CHECK_FIELDS = "Check the highlighted fields.";

/** Thrown by a handler to refuse with a message (and field errors) of its own; nothing is logged. */
export class ActionRefusal extends Error {
  constructor(
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "ActionRefusal";
  }
}

const onField = (field: string | undefined, message: string): FieldErrors | undefined => (field ? { [field]: [message] } : undefined);

/**
 * Every domain error class an action may meet, and what the user reads for it. Anything else is a
 * fault: logged, answered with the action's fallback.
 */
export function refusalFor(error: unknown): Refusal | null {
  if (error instanceof ActionRefusal) return { message: error.message, fieldErrors: error.fieldErrors };
  if (error instanceof ApiKeyError || error instanceof MemberError) return { message: error.message };
  if (error instanceof InvitationError) return { message: error.message, fieldErrors: onField(error.field, error.message) };
  if (error instanceof OrganizationError) return { message: error.message, fieldErrors: onField(error.details.field, error.message) };
  if (error instanceof AccountError) {
    return error.field ? { message: CHECK_FIELDS, fieldErrors: onField(error.field, error.message) } : { message: error.message };
  }
  return null;
}

/** Who may call the action: a member of the page's organization, any signed-in user, or anyone. */
export type Access = "member" | "user" | "public";

/** Where an anonymous request came from, for the audit trail. */
export type Visitor = { ip: string; userAgent: string | null };
/** The signed-in user as the audit trail records them (sessionActor, whose `ip` is always read). */
export type UserActor = AuditActor & Visitor & { userId: string };
export type MemberActor = UserActor & { role: Role };

type Who = {
  member: { member: MemberContext; userId: string; actor: MemberActor };
  user: { userId: string; actor: UserActor };
  public: { actor: Visitor };
};

type Parsed<S, Raw> = S extends z.ZodType ? z.output<S> : Raw;

type Common<A extends Access, S, Context, Values = never> = {
  /** The log prefix for a fault, e.g. "[api-keys] create". */
  label: string;
  access: A;
  /** Checked with `member.can`; refused with `denied`. */
  permission?: A extends "member" ? Permission : never;
  denied?: string | ((member: MemberContext) => string);
  /** What a signed-out caller reads instead of userIdForAction's message (`user` access only). */
  signedOut?: string;
  /** Parses the input; its field errors are returned (flattened) beside the form's fields. */
  schema?: S;
  /** The answer to input the schema refuses: a message (fields flattened) or a whole refusal. Default CHECK_FIELDS. */
  invalid?: (error: z.ZodError, who: Who[A]) => string | Refusal;
  /**
   * Sees an error the handler threw before it is mapped (to act on it, e.g. revalidate a page, or to
   * answer it otherwise); returning nothing leaves it to refusalFor and the fallback.
   */
  onError?: (error: unknown, context: Context) => Refusal<Values> | void | Promise<Refusal<Values> | void>;
  /** What the user reads for an unexpected fault: "… Nothing changed; try again." */
  fallback: string;
  /** Wraps the action in lib/platform/timing's `measured` under this name. */
  measure?: string;
};

async function visitor(): Promise<Visitor> {
  const h = await headers();
  return { ip: clientIp(h), userAgent: userAgent(h) };
}

/** Membership, signed-in user or nothing, then the permission: the caller, or the refusal to return. */
async function authorise<A extends Access>(config: Common<A, unknown, never>, slug: unknown): Promise<{ who: Who[A] } | { refusal: Refusal }> {
  if (config.access === "public") return { who: { actor: await visitor() } as Who[A] };
  if (config.access === "user") {
    const access = await userIdForAction();
    if (!access.ok) return { refusal: { message: access.message === SERVICE_UNAVAILABLE ? access.message : (config.signedOut ?? access.message) } };
    return { who: { userId: access.userId, actor: (await sessionActor(access.userId)) as UserActor } as Who[A] };
  }
  const access = await memberForAction(slug);
  if (!access.ok) return { refusal: { message: access.message } };
  const { member } = access;
  if (config.permission && !member.can(config.permission)) {
    const message = typeof config.denied === "function" ? config.denied(member) : (config.denied ?? "Your role can't do that here.");
    return { refusal: { message } };
  }
  const actor: MemberActor = { ...((await sessionActor(member.user.id)) as UserActor), role: member.role };
  return { who: { member, userId: member.user.id, actor } as Who[A] };
}

function parse<A extends Access>(config: Common<A, z.ZodType | undefined, never>, raw: unknown, who: Who[A]): { input: unknown } | { refusal: Refusal } {
  if (!config.schema) return { input: raw };
  const parsed = config.schema.safeParse(raw);
  if (parsed.success) return { input: parsed.data };
  const answer = config.invalid?.(parsed.error, who) ?? CHECK_FIELDS;
  return { refusal: typeof answer === "string" ? { message: answer, fieldErrors: z.flattenError(parsed.error).fieldErrors } : answer };
}

async function failureFor<Context, Values>(error: unknown, config: Common<Access, unknown, Context, Values>, context: Context | undefined): Promise<Refusal<Values>> {
  // redirect() and notFound() are thrown; they are Next's answers, not failures.
  unstable_rethrow(error);
  const own = context !== undefined ? await config.onError?.(error, context) : undefined;
  if (own) return own;
  const refusal = refusalFor(error);
  if (refusal) return refusal;
  console.error(`${config.label} failed: ${logSafe(error)}`);
  return { message: config.fallback };
}

const failed = <V>(refusal: Refusal<V>, values?: V) => {
  const answer: { ok: false; message: string; fieldErrors?: FieldErrors; values?: V } = { ok: false, message: refusal.message };
  if (refusal.fieldErrors) answer.fieldErrors = refusal.fieldErrors;
  const echoed = refusal.values ?? values;
  if (echoed !== undefined) answer.values = echoed;
  return answer;
};

const timed = <T>(name: string | undefined, run: () => Promise<T>) => (name ? measured(name, run) : run());

/** An action called with one plain object, e.g. `revokeApiKeyAction({ organization, keyId })`. */
export type ObjectAction<Input, Result> = (input: Input) => Promise<Result>;
/** A form's action for `useActionState`: (previous state, the submitted form). */
export type FormAction<Result> = (previous: Result | null, formData: FormData) => Promise<Result>;

type ObjectContext<A extends Access, Input> = Who[A] & { input: Input };

/**
 * An action taking one object. Its `organization` (the slug of the page's organization) names where
 * a `member` action acts. The returned function accepts anything, as a server action must; the
 * exported constant's type says what the client sends.
 */
export function defineAction<A extends Access, S extends z.ZodType | undefined = undefined, Data = undefined>(
  config: Common<A, S, ObjectContext<A, Parsed<S, Record<string, unknown>>>>,
  handler: (context: ObjectContext<A, Parsed<S, Record<string, unknown>>>) => Promise<Data>,
): (input: unknown) => Promise<ActionResult<Data>> {
  type Context = ObjectContext<A, Parsed<S, Record<string, unknown>>>;
  return async (raw) =>
    timed(config.measure, async () => {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return failed({ message: NOT_AN_INPUT });
      const input = raw as Record<string, unknown>;
      let context: Context | undefined;
      try {
        const access = await authorise(config as Common<A, unknown, never>, input.organization);
        if ("refusal" in access) return failed(access.refusal);
        const parsed = parse(config as Common<A, z.ZodType | undefined, never>, input, access.who);
        if ("refusal" in parsed) return failed(parsed.refusal);
        context = { ...access.who, input: parsed.input } as Context;
        return { ok: true as const, data: await handler(context) };
      } catch (error) {
        return failed(await failureFor(error, config as unknown as Common<Access, unknown, Context>, context));
      }
    });
}

type FormContext<A extends Access, Input, Values> = Who[A] & { input: Input; values: Values; form: FormData };

/**
 * A form's action for `useActionState`. `fields` reads the form (every value a string); `values`
 * picks what is echoed back on a failure (never a password), so React's form reset loses nothing.
 * The form's `organization` field names where a `member` action acts.
 */
export function defineFormAction<
  A extends Access,
  Fields,
  S extends z.ZodType | undefined = undefined,
  Data = undefined,
  Values = never,
>(
  config: Common<A, S, FormContext<A, Parsed<S, Fields>, Values>, Values> & { fields: (form: FormData) => Fields; values?: (fields: Fields) => Values },
  handler: (context: FormContext<A, Parsed<S, Fields>, Values>) => Promise<Data>,
): (previous: unknown, formData: unknown) => Promise<ActionResult<Data, Values>> {
  type Context = FormContext<A, Parsed<S, Fields>, Values>;
  return async (_previous, formData) =>
    timed(config.measure, async () => {
      if (!(formData instanceof FormData)) return failed<Values>({ message: NOT_A_FORM });
      const fields = config.fields(formData);
      const values = config.values?.(fields) as Values;
      let context: Context | undefined;
      try {
        const access = await authorise(config as Common<A, unknown, never>, formData.get("organization"));
        if ("refusal" in access) return failed(access.refusal, values);
        const parsed = parse(config as Common<A, z.ZodType | undefined, never>, fields, access.who);
        if ("refusal" in parsed) return failed(parsed.refusal, values);
        context = { ...access.who, input: parsed.input, values, form: formData } as Context;
        return { ok: true as const, data: await handler(context) };
      } catch (error) {
        return failed(await failureFor(error, config as unknown as Common<Access, unknown, Context, Values>, context), values);
      }
    });
}

/** A form field as a string ("" when missing or a file). */
export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
