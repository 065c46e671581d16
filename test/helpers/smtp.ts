// A real SMTP server on loopback (smtp-server), parsing what it receives (mailparser).
import { simpleParser, type ParsedMail } from 'mailparser';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface Smtp {
  url: (user?: string, pass?: string) => string;
  mails: { from: string; to: string[]; secure: boolean; mail: ParsedMail }[];
  close: () => Promise<void>;
}

/** A real SMTP server on loopback (plain text; AUTH PLAIN/LOGIN against one user). */
export const CERT = readFileSync(new URL('../fixtures/localhost-cert.pem', import.meta.url));
const KEY = readFileSync(new URL('../fixtures/localhost-key.pem', import.meta.url));

/** `starttls`: offer STARTTLS with the test certificate (trusted through NODE_EXTRA_CA_CERTS). */
export async function startSmtp(options: { rejectRecipient?: string; starttls?: boolean } = {}): Promise<Smtp> {
  const mails: Smtp['mails'] = [];
  const server = new SMTPServer({
    // No reverse DNS of the client: it would send a query off this machine.
    disableReverseLookup: true,
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: options.starttls ? [] : ['STARTTLS'],
    ...(options.starttls ? { key: KEY, cert: CERT } : {}),
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'bot' && auth.password === 'mailPa55word') callback(null, { user: 'bot' });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address === options.rejectRecipient)
        callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          // After STARTTLS smtp-server records the negotiated cipher here.
          secure: Boolean(session.tlsOptions),
          mail,
        });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: (user = 'bot', pass = 'mailPa55word') => `smtp://${user}:${pass}@127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
