// node:crypto costs a few milliseconds to load: it is fetched on first use, not at start.
const crypto = () => process.getBuiltinModule('node:crypto');

const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 name-based UUID (version 5, SHA-1) of `name` in the URL namespace. */
export function uuidV5Url(name: string): string {
  const namespace = Buffer.from(URL_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = crypto().createHash('sha1').update(namespace).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function hmacSha256Hex(key: string, message: string): string {
  return crypto().createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

export function hmacSha256Base64(key: string, message: string): string {
  return crypto().createHmac('sha256', key).update(message, 'utf8').digest('base64');
}

export function randomUuid(): string {
  return crypto().randomUUID();
}
