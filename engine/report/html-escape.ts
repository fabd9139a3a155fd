/** Escapes text for HTML and SVG content and for double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Escapes a column or category name and lets it wrap after `_`, `-`, `.` and `/`, so a long
 * one-hot name breaks between its words on a phone rather than at an arbitrary letter.
 */
export function escapeBreakable(text: string): string {
  return escapeHtml(text).replace(/([_\-./])(?=.)/g, "$1<wbr>");
}
