import { describe, expect, it } from "vitest";
import { ActionRefusal, CHECK_FIELDS, refusalFor } from "@/lib/actions/define-action";
import { AccountError } from "@/lib/auth/accounts";
import { ApiKeyError } from "@/lib/domain/api-keys/store";
import { InvitationError } from "@/lib/domain/members/invitations";
import { MemberError } from "@/lib/domain/members/members";
import { OrganizationError } from "@/lib/domain/organizations/organizations";

// What a server action's user reads for each domain error (lib/actions/define-action.ts refusalFor).

describe("refusalFor", () => {
  it("a domain error's message is the form's message", () => {
    expect(refusalFor(new ApiKeyError("not_found", "That key doesn't exist."))).toEqual({ message: "That key doesn't exist." });
    expect(refusalFor(new MemberError("last_owner", "Only owner."))).toEqual({ message: "Only owner." });
    expect(refusalFor(new InvitationError("forbidden", "Expired."))).toEqual({ message: "Expired.", fieldErrors: undefined });
    expect(refusalFor(new AccountError("wrong_password", "Nope."))).toEqual({ message: "Nope." });
    expect(refusalFor(new ActionRefusal("No."))).toEqual({ message: "No.", fieldErrors: undefined });
  });

  it("an error that names a field goes beside it", () => {
    expect(refusalFor(new InvitationError("already_member", "Already a member.", "email"))).toEqual({
      message: "Already a member.",
      fieldErrors: { email: ["Already a member."] },
    });
    expect(refusalFor(new OrganizationError("slug_taken", "Taken.", { field: "slug", suggestion: "acme-2" }))).toEqual({
      message: "Taken.",
      fieldErrors: { slug: ["Taken."] },
    });
    expect(refusalFor(new AccountError("weak_password", "Too short.", "newPassword"))).toEqual({
      message: CHECK_FIELDS,
      fieldErrors: { newPassword: ["Too short."] },
    });
  });

  it("anything else is not the user's to read", () => {
    for (const error of [new Error("connect ECONNREFUSED 127.0.0.1:5432"), new TypeError("x is not a function"), "a string", null]) {
      expect(refusalFor(error)).toBeNull();
    }
  });
});
