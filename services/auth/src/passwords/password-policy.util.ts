import { randomInt } from 'node:crypto';

/**
 * Password policy after NIST SP 800-63B §5.1.1.2: length matters, composition rules do
 * not; refuse passwords that are common, that repeat a few characters, or that contain the
 * account's own name. Each problem is a sentence the user can act on.
 */
export interface PasswordPolicy {
  minLength: number;
  maxLength: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 12, maxLength: 128 };

// The most common passwords of breach corpora that are 12+ characters, and keyboard walks.
const COMMON = new Set([
  'password1234', 'password12345', 'password123456', '123456789012', '1234567890123', 'qwertyuiop12', 'qwertyuiop123',
  'qwertyuiopasdf', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'iloveyou1234', 'administrator', 'administrator1', 'letmein12345',
  'welcome12345', 'changeme1234', 'passw0rd1234', 'p@ssw0rd1234', 'p@ssword1234', 'trustno1trustno1', 'abc123abc123',
  'aaaaaaaaaaaa', 'abcdefghijkl', 'abcdefghijklm', 'qazwsxedcrfv', 'zaq12wsxcde3', 'football1234', 'baseball1234',
  'superman1234', 'sunshine1234', 'princess1234', 'monkey123456', 'dragon123456', 'master123456', 'tessera12345',
  'tessera123456', 'correcthorsebatterystaple',
]);

export function checkPassword(password: string, context: { email?: string } = {}, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < policy.minLength) problems.push(`use at least ${policy.minLength} characters (this one has ${length}); a few unrelated words make a long password easy to remember`);
  if (length > policy.maxLength) problems.push(`use at most ${policy.maxLength} characters`);
  if (new Set(password).size < 5) problems.push('use more than 4 different characters');
  const lowered = password.toLowerCase();
  if (COMMON.has(lowered)) problems.push('this password is among the most common ones; choose another');
  const localPart = context.email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) problems.push('do not put your email name in the password');
  if (/^(.{1,3})\1+$/.test(password)) problems.push('do not repeat a short pattern');
  return problems;
}

// No look-alikes (0/O, 1/l/I) so a printed password can be typed back.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random password (about 117 bits at 20 characters) from the cryptographic RNG. */
export function generatePassword(length = 20): string {
  let password = '';
  for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)];
  return password;
}
