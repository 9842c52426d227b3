import net from 'node:net';
import { ApiError, type Json } from './records.js';

// A project's network settings, enforced at its compute hosts the way Neon's proxy enforces them:
// `block_public_connections` refuses every connection that does not come through a VPC endpoint
// (the emulator has none), and a non-empty `allowed_ips.ips` refuses addresses it does not list,
// on every branch or, with `protected_branches_only`, on protected branches only. Loopback is an
// address like any other: it connects only if the list names it.

/** Neon's refusals, word for word (neondatabase/neon, proxy/src/auth/mod.rs). */
export const NETWORK_NOT_ALLOWED = 'This connection is trying to access this endpoint from a blocked network.';
export const ipNotAllowed = (ip: string) =>
  `This IP address ${ip} is not allowed to connect to this endpoint. Please add it to the allowed list in the Neon console. Make sure to check for IPv4 or IPv6 addresses.`;

/** `::ffff:127.0.0.1`, as a dual-stack socket reports an IPv4 peer, is `127.0.0.1`. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}

const family = (ip: string) => (net.isIPv4(ip) ? 'ipv4' : 'ipv6');

/** Adds one allowlist entry (an address, a CIDR range or a range `a-b`, as Neon accepts them); false if it is none of these. */
function addEntry(list: net.BlockList, entry: string): boolean {
  const text = entry.trim();
  const [from, to, extra] = text.split('-').map((s) => s.trim());
  if (to !== undefined) {
    if (extra !== undefined || !from || !net.isIP(from) || !net.isIP(to) || family(from) !== family(to)) return false;
    try {
      list.addRange(from, to, family(from));
    } catch {
      return false; // the end is before the start
    }
    return true;
  }
  const [address = '', prefix, more] = text.split('/');
  if (!net.isIP(address) || more !== undefined) return false;
  if (prefix === undefined) {
    list.addAddress(address, family(address));
    return true;
  }
  const bits = Number(prefix);
  if (!/^\d+$/.test(prefix) || bits > (family(address) === 'ipv4' ? 32 : 128)) return false;
  list.addSubnet(address, bits, family(address));
  return true;
}

/** Validates `settings.allowed_ips` of a project update: a 400 naming the first entry that is not an address, CIDR or range. */
export function validateAllowedIps(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'allowed_ips must be an object with ips and protected_branches_only');
  const { ips, protected_branches_only: protectedOnly } = value as Json;
  if (protectedOnly !== undefined && typeof protectedOnly !== 'boolean') throw new ApiError(400, 'allowed_ips.protected_branches_only must be a boolean');
  if (ips === undefined) return;
  if (!Array.isArray(ips)) throw new ApiError(400, 'allowed_ips.ips must be an array of strings');
  const list = new net.BlockList();
  for (const ip of ips) {
    if (typeof ip !== 'string' || !addEntry(list, ip)) {
      throw new ApiError(400, `allowed_ips.ips: ${JSON.stringify(ip)} is not an IP address, a CIDR range (192.168.1.0/24) or a range (192.168.1.20-192.168.1.50)`);
    }
  }
}

/** Why a connection from `address` to a compute of a (protected or not) branch is refused; undefined when it may go on. */
export function networkRefusal(settings: Json, branchProtected: boolean, address: string): string | undefined {
  if (settings.block_public_connections === true) return NETWORK_NOT_ALLOWED;
  const allowed = (settings.allowed_ips ?? {}) as { ips?: string[]; protected_branches_only?: boolean };
  const ips = allowed.ips ?? [];
  if (ips.length === 0 || (allowed.protected_branches_only === true && !branchProtected)) return undefined;
  const ip = normaliseAddress(address);
  const list = new net.BlockList();
  for (const entry of ips) addEntry(list, entry);
  return net.isIP(ip) && list.check(ip, family(ip)) ? undefined : ipNotAllowed(ip);
}
