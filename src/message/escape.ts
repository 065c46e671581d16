// Pipeline values are data: each dialect gets them escaped so they can neither format, link,
// nor mention anyone.

const ZWSP = '\u200b';

/** Slack mrkdwn: the three characters Slack asks to escape (this also defuses `<!channel>`). */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Feishu lark_md: HTML entities for markup characters (`<at id=all>` becomes text). */
export function escapeLarkMd(text: string): string {
  return text.replace(/[&<>*_~`[\]#]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** DingTalk / WeCom markdown: markdown punctuation backslash-escaped, `<`, `>`, `&` as entities. */
export function escapeChatMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]~|])/g, '\\$1')
    .replace(/^(\s*)([-+#]|\d+\.)/gm, '$1\\$2');
}

/** Discord markdown: backslash escapes, and `@` broken so that `@everyone` stays text. */
export function escapeDiscord(text: string): string {
  return text.replace(/([\\`*_~|[\]()<>#-])/g, '\\$1').replace(/@/g, `@${ZWSP}`);
}

/** Teams TextBlock markdown: backslash escapes, and `<` broken so that `<at>` is never a mention. */
export function escapeTeams(text: string): string {
  return text.replace(/([\\`*_~[\]])/g, '\\$1').replace(/</g, `<${ZWSP}`);
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
