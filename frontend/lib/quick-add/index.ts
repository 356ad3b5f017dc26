export {
  parseQuickAdd,
  type QuickAddContext,
  type QuickAddOptions,
  type QuickAddPriority,
  type QuickAddResult,
  type QuickAddToken,
  type TokenKind,
} from "./parse";
export { quickAddToCreateBody, type QuickAddCreateBody } from "./create-body";
