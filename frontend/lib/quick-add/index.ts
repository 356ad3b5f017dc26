export {
  parseQuickAdd,
  trailingToken,
  type QuickAddContext,
  type QuickAddOptions,
  type QuickAddPriority,
  type QuickAddResult,
  type QuickAddToken,
  type TokenKind,
} from "./parse";
export { quickAddToCreateBody, type QuickAddCreateBody } from "./create-body";
export { describeDue, previewParts, type PreviewPart } from "./preview";
