import { describe, expect, it } from "vitest";

import { checkPassword, missingRequirements, passwordRuleViolation, passwordStrength } from "@/lib/password-rule";

describe("password rule", () => {
  it("accepts a password with every required part", () => {
    expect(passwordRuleViolation("Str0ng!pw")).toBeNull();
    expect(missingRequirements("Str0ng!pw")).toEqual([]);
  });

  it.each([
    ["Sh0rt!a", "Password needs at least 8 characters."],
    ["lower0nly!", "Password needs an upper-case letter."],
    ["UPPER0NLY!", "Password needs a lower-case letter."],
    ["NoDigits!!", "Password needs a digit."],
    ["NoSymbol12", "Password needs a symbol."],
  ])("names the one missing part of %j", (password, message) => {
    expect(passwordRuleViolation(password)).toBe(message);
  });

  it("names every missing part, in order, joined readably", () => {
    expect(passwordRuleViolation("abc")).toBe(
      "Password needs at least 8 characters, an upper-case letter, a digit and a symbol.",
    );
    expect(passwordRuleViolation("")).toBe(
      "Password needs at least 8 characters, an upper-case letter, a lower-case letter, a digit and a symbol.",
    );
  });

  it("is exactly 8 characters at the boundary, counting code points", () => {
    expect(passwordRuleViolation("Aa1!aaaa")).toBeNull(); // 8
    expect(passwordRuleViolation("Aa1!aaa")).toBe("Password needs at least 8 characters."); // 7
    // Six emoji are 12 UTF-16 units but 6 characters: still too short.
    expect(missingRequirements("A1a😀😀😀").map((r) => r.id)).toEqual(["length"]);
  });

  it("treats accented letters as letters and non-ASCII punctuation as symbols", () => {
    expect(missingRequirements("Élan1234").map((r) => r.id)).toEqual(["symbol"]);
    expect(passwordRuleViolation("Élan123€")).toBeNull();
    expect(passwordRuleViolation("Élan123_")).toBeNull();
  });

  it("does not count whitespace as a symbol", () => {
    expect(missingRequirements("Abcdef 12").map((r) => r.id)).toEqual(["symbol"]);
  });

  it("reports each requirement for the checklist", () => {
    expect(checkPassword("abc1")).toEqual([
      { id: "length", label: "At least 8 characters", met: false },
      { id: "upper", label: "An upper-case letter", met: false },
      { id: "lower", label: "A lower-case letter", met: true },
      { id: "digit", label: "A digit", met: true },
      { id: "symbol", label: "A symbol (e.g. ! ? # -)", met: false },
    ]);
  });
});

describe("password strength", () => {
  it("never rates a password that breaks the rule above Weak", () => {
    expect(passwordStrength("").score).toBe(0);
    expect(passwordStrength("password").label).toBe("Too weak");
    expect(passwordStrength("averyveryverylongpassword123").label).toBe("Weak");
  });

  it("rises with length and variety once the rule is met", () => {
    const fair = passwordStrength("Aa1!bcde");
    const good = passwordStrength("Aa1!bcdefghi");
    const strong = passwordStrength("Tr0ub4dor&3-horse-battery");
    expect(fair.label).toBe("Fair");
    expect(good.label).toBe("Good");
    expect(strong.label).toBe("Strong");
    expect(fair.score).toBeLessThan(good.score);
    expect(good.score).toBeLessThan(strong.score);
  });

  it("marks down repetition", () => {
    expect(passwordStrength("Aa1!aaaaaaaaaaaa").score).toBeLessThan(passwordStrength("Aa1!qwhrtzkdmvbn").score);
  });
});
