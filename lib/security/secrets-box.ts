// Secrets at rest: AES-256-GCM under a key derived with HKDF-SHA256 from the server secret
// (secrets.ts), kept as one versioned string `enc:v1:<iv>:<ciphertext>:<tag>` (base64url parts,
// a fresh 12-byte IV each time). `purpose` separates the keys of unrelated uses: a value sealed
// for one purpose does not open under another.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

export const SEALED_PREFIX = "enc:v1:";

const keys = new Map<string, Buffer>();

function keyFor(secret: string, purpose: string): Buffer {
  const id = `${purpose}\0${secret}`;
  let key = keys.get(id);
  if (!key) {
    key = Buffer.from(hkdfSync("sha256", secret, "palate secrets-box v1", purpose, 32));
    keys.set(id, key);
  }
  return key;
}

export function isSealed(value: string): boolean {
  return value.startsWith(SEALED_PREFIX);
}

/** `plain` encrypted under the server secret, as `enc:v1:…`. */
export function seal(plain: string, secret: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(secret, purpose), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return SEALED_PREFIX + [iv, data, cipher.getAuthTag()].map((b) => b.toString("base64url")).join(":");
}

/** The plain text of a sealed value; throws when it was sealed under another secret or purpose, or was altered. */
export function unseal(value: string, secret: string, purpose: string): string {
  if (!isSealed(value)) throw new Error("not a sealed value");
  const parts = value.slice(SEALED_PREFIX.length).split(":");
  if (parts.length !== 3) throw new Error("malformed sealed value");
  const [iv, data, tag] = parts.map((p) => Buffer.from(p, "base64url"));
  if (iv.length !== 12 || tag.length !== 16) throw new Error("malformed sealed value");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(secret, purpose), iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("cannot decrypt: it was sealed under another server secret (NEXTAUTH_SECRET or the auth-secret file changed) or was altered");
  }
}
