import type { Message } from './index.js';
import { plain } from './template.js';

/** The message as plain text: for email's text part and a webhook's `msg-key`. */
export function plainText(message: Message): string {
  const t = message.texts;
  const lines = [message.title, ''];
  if (message.body) {
    lines.push(message.body(plain));
  } else {
    lines.push(...message.facts.map((f) => `${f.label}: ${f.value}`), '');
    for (const stage of message.stages) {
      lines.push(`${stage.icon} ${stage.name}: ${stage.statusText}`);
      for (const job of stage.jobs) lines.push(`    ${job.icon} ${job.name}: ${job.statusText}`);
    }
    for (const note of message.notes) lines.push(`ℹ️ ${note}`);
    if (message.commit)
      lines.push(
        '',
        `${t.commit}: ${message.commit.branch} ${message.commit.shortSha} ${message.commit.message}`.trimEnd(),
      );
    if (message.error) lines.push('', `${t.error}: ${message.error}`);
    for (const log of message.logs) lines.push('', `${t.logOf(log.job, log.step)}:`, ...log.lines.map((l) => `  ${l}`));
  }
  if (message.url) lines.push('', `${t.clickForMore}: ${message.url}`);
  return `${lines.join('\n')}\n`;
}
