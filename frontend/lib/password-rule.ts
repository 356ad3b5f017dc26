/**
 * The password rule, shared by the server (Better Auth hooks) and the
 * browser (live checklist), so both always agree on what is missing.
 */

export const PASSWORD_MIN_LENGTH = 8;
/** Better Auth's own upper bound; stated here so the checklist can say it. */
export const PASSWORD_MAX_LENGTH = 128;

export type RequirementId = "length" | "upper" | "lower" | "digit" | "symbol";

export interface PasswordRequirement {
  id: RequirementId;
  /** Shown in the checklist. */
  label: string;
  /** Used in the server's error message: "add <missing>". */
  missing: string;
  test: (password: string) => boolean;
}

export const PASSWORD_REQUIREMENTS: readonly PasswordRequirement[] = [
  {
    id: "length",
    label: `At least ${PASSWORD_MIN_LENGTH} characters`,
    missing: `at least ${PASSWORD_MIN_LENGTH} characters`,
    test: (p) => [...p].length >= PASSWORD_MIN_LENGTH,
  },
  {
    id: "upper",
    label: "An upper-case letter",
    missing: "an upper-case letter",
    test: (p) => /\p{Lu}/u.test(p),
  },
  {
    id: "lower",
    label: "A lower-case letter",
    missing: "a lower-case letter",
    test: (p) => /\p{Ll}/u.test(p),
  },
  {
    id: "digit",
    label: "A digit",
    missing: "a digit",
    test: (p) => /\p{Nd}/u.test(p),
  },
  {
    id: "symbol",
    label: "A symbol (e.g. ! ? # -)",
    missing: "a symbol",
    // Anything that is not a letter, a digit or whitespace counts, so
    // "é" is a letter and "€" or "_" is a symbol.
    test: (p) => /[^\p{L}\p{Nd}\s]/u.test(p),
  },
];

export interface RequirementStatus {
  id: RequirementId;
  label: string;
  met: boolean;
}

export function checkPassword(password: string): RequirementStatus[] {
  return PASSWORD_REQUIREMENTS.map((r) => ({ id: r.id, label: r.label, met: r.test(password) }));
}

export function missingRequirements(password: string): PasswordRequirement[] {
  return PASSWORD_REQUIREMENTS.filter((r) => !r.test(password));
}

/**
 * The server's error message, or null when the password satisfies the rule.
 * It names every missing part, e.g. "Password needs an upper-case letter and a symbol."
 */
export function passwordRuleViolation(password: string): string | null {
  const missing = missingRequirements(password).map((r) => r.missing);
  if (missing.length === 0) return null;
  return `Password needs ${joinWithAnd(missing)}.`;
}

function joinWithAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

export type StrengthLabel = "Too weak" | "Weak" | "Fair" | "Good" | "Strong";

export interface PasswordStrength {
  /** 0..4 */
  score: 0 | 1 | 2 | 3 | 4;
  label: StrengthLabel;
}

const LABELS: readonly StrengthLabel[] = ["Too weak", "Weak", "Fair", "Good", "Strong"];

/**
 * A rough strength estimate for the meter. Meeting the rule gives "Fair";
 * length and variety beyond it raise the score; repeated characters and
 * short sequences lower it. It never rates a rule-breaking password above "Weak".
 */
export function passwordStrength(password: string): PasswordStrength {
  if (password.length === 0) return { score: 0, label: LABELS[0]! };
  const chars = [...password];
  const met = PASSWORD_REQUIREMENTS.filter((r) => r.test(password)).length;
  const unique = new Set(chars).size;

  let points = met; // 0..5
  if (chars.length >= 12) points += 1;
  if (chars.length >= 16) points += 1;
  if (unique < chars.length / 2) points -= 2;
  if (/(.)\1\1/u.test(password)) points -= 1;

  let score: PasswordStrength["score"];
  if (met < PASSWORD_REQUIREMENTS.length) {
    score = met <= 2 ? 0 : 1;
  } else if (points >= 7) {
    score = 4;
  } else if (points >= 6) {
    score = 3;
  } else {
    score = 2;
  }
  return { score, label: LABELS[score]! };
}
