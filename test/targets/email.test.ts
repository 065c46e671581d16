import { afterEach, describe, expect, it } from 'vitest';
import { fixtureInput, fixtureTarget } from '../helpers/fixtures.js';
import { email, resolveRecipients } from '../../src/targets/email.js';
import { send } from './helpers.js';
import { startSmtp, type Smtp } from '../helpers/smtp.js';

let smtp: Smtp | undefined;
afterEach(async () => smtp?.close());

describe('email', () => {
  it('sends an HTML and a text part to the recipients, $creator resolved through members', async () => {
    smtp = await startSmtp();
    const target = fixtureTarget({
      type: 'email',
      smtp: smtp.url(),
      from: 'ci@acme.example',
      to: ['ops@acme.example', '$creator'],
    });
    const { result } = await send(fixtureInput(target));
    expect(result).toMatchObject({ state: 'sent', attempts: 1 });
    const [delivered] = smtp.mails;
    expect(delivered!.from).toBe('ci@acme.example');
    expect(delivered!.to).toEqual(['ops@acme.example', 'ann@corp.example']);
    expect(delivered!.mail.subject).toBe('❌ Workflow CI #47 failed');
    expect(delivered!.mail.text).toContain('Executor: ann\n');
    expect(delivered!.mail.text).toContain(
      'Click for more information: https://github.com/acme/shop/actions/runs/8123456789',
    );
    expect(delivered!.mail.html).toContain('<h2 style="color:#e01e5a">❌ Workflow CI #47 failed</h2>');
    expect(delivered!.mail.html).toContain('<td>Fix checkout for &quot;quoted&quot; carts</td>');
  });

  it('is delivered when the server accepts at least one recipient, and warns of the refused ones', async () => {
    smtp = await startSmtp({ rejectRecipient: 'gone@acme.example' });
    const { result, warnings } = await send(
      fixtureInput(fixtureTarget({ type: 'email', smtp: smtp.url(), to: ['ops@acme.example', 'gone@acme.example'] })),
    );
    expect(result.state).toBe('sent');
    expect(smtp.mails[0]!.to).toEqual(['ops@acme.example']);
    expect(warnings).toEqual(['email "email#0": the server refused gone@acme.example']);
  });

  it('fails without retrying on wrong credentials, saying what to check', async () => {
    smtp = await startSmtp();
    const { result } = await send(
      fixtureInput(fixtureTarget({ type: 'email', smtp: smtp.url('bot', 'wrong'), to: ['ops@acme.example'] })),
    );
    expect(result).toMatchObject({ state: 'failed', attempts: 1 });
    expect(result.error).toMatch(/^SMTP EAUTH 535: .*: check the user and password in smtp$/);
    expect(smtp.mails).toHaveLength(0);
  });
});

describe('email recipients', () => {
  it('leaves a login missing from members to the run-wide warning, and warns of a member without email', () => {
    const members = { bob: { mobile: '13800000002' }, cy: { email: 'cy@acme.example' } };
    expect(
      email.logins!({ to: ['ops@acme.example', '$creator', '$committers', '$bob', '$cy', '$nobody'] }).filter(
        (login) => !Object.hasOwn(members, login),
      ),
    ).toEqual(['nobody']);
    expect(resolveRecipients(['$nobody', '$bob', '$cy'], members, 'ann', '')).toEqual({
      recipients: ['cy@acme.example'],
      warnings: ['cannot send to $bob: no email known for it'],
    });
  });
});
