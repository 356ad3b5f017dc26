import { schemaConstraints } from "@/lib/api/schema-constraints";
import type { Color } from "@/lib/tasks-api";

/** The API's 12 colours, in its order. */
export const COLORS: readonly Color[] = schemaConstraints.Color.enum;

/** Each colour's dot (Tailwind needs the class names written out). */
export const COLOR_DOT: Record<Color, string> = {
  gray: "bg-gray-500",
  red: "bg-red-500",
  orange: "bg-orange-500",
  yellow: "bg-yellow-500",
  lime: "bg-lime-500",
  green: "bg-green-600",
  teal: "bg-teal-500",
  cyan: "bg-cyan-500",
  blue: "bg-blue-600",
  indigo: "bg-indigo-500",
  violet: "bg-violet-500",
  pink: "bg-pink-500",
};

export const colorName = (color: Color) => color.charAt(0).toUpperCase() + color.slice(1);
