// The markdown of DingTalk and WeCom robots: markdown punctuation backslash-escaped, `<`, `>`, `&`
// as entities.

export function escapeChatMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]~|])/g, '\\$1')
    .replace(/^(\s*)([-+#]|\d+\.)/gm, '$1\\$2');
}
