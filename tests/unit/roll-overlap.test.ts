import { describe, expect, it } from "vitest";
import { ROLL_OVERLAPS } from "@/lib/domain/api-keys/rules";
import { rollApiKeyFormSchema } from "@/lib/domain/api-keys/schemas";

// The Roll action's input: a client sends whatever it likes, and `Number(x)` reads null, "", false,
// [0] and " 0" as 0, an immediate roll that ends the old key at once.

describe("rollApiKeyFormSchema: the overlap is one of the offered numbers, exactly", () => {
  it.each(ROLL_OVERLAPS.map((o) => [o.label, o.seconds]))("%s (%i) passes", (_label, seconds) => {
    expect(rollApiKeyFormSchema.parse({ keyId: "cmabc", overlapSeconds: seconds })).toEqual({ keyId: "cmabc", overlapSeconds: seconds });
  });

  it.each([[null], [""], [false], [true], [[0]], [" 0"], ["0"], ["3600"], [0.5], [-0.0001], [1], [3601], [NaN], [Infinity], [undefined], [{}], [[]]])(
    "%j is a field error on overlapSeconds",
    (overlapSeconds) => {
      const parsed = rollApiKeyFormSchema.safeParse({ keyId: "cmabc", overlapSeconds });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues.map((i) => i.path.join("."))).toEqual(["overlapSeconds"]);
      expect(parsed.error!.issues[0]!.message).toBe("Choose when the old key stops working.");
    },
  );
});
