// Pipeline values are data: escaped so they can neither format, link, nor mention anyone. Each
// vendor's dialect lives with its target (src/targets/); HTML is shared by email and previews.

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
