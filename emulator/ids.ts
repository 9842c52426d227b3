import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ADJECTIVES = ['quiet', 'bold', 'misty', 'royal', 'small', 'wild', 'young', 'sparkling', 'hidden', 'damp', 'ancient', 'proud', 'round', 'shiny', 'long', 'super'];
const NOUNS = ['lake', 'river', 'hill', 'forest', 'cloud', 'meadow', 'glade', 'brook', 'feather', 'morning', 'mud', 'glitter', 'wildflower', 'unit', 'fire', 'sun'];
const ALPHANUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

const pick = (list: string[]) => list[randomInt(list.length)] as string;
const chars = (n: number, alphabet = ALPHANUM) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join('');

/** Ids shaped like Neon's: `br-damp-glitter-adqd4hk5`, `ep-raspy-glade-ad8e3gvy`. */
export const branchId = () => `br-${pick(ADJECTIVES)}-${pick(NOUNS)}-${chars(8)}`;
export const endpointId = () => `ep-${pick(ADJECTIVES)}-${pick(NOUNS)}-${chars(8)}`;
export const projectId = () => `${pick(ADJECTIVES)}-${pick(NOUNS)}-${randomInt(10_000_000, 99_999_999)}`;
export const operationId = () => randomUUID();
/** `npg_` and 12 letters and digits, as Neon's role passwords. */
export const rolePassword = () => `npg_${chars(12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`;
export const apiKey = () => `napi_${randomBytes(24).toString('hex')}`;
