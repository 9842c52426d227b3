import { describe, expect, it } from 'vitest';
import { computeSize } from '../../emulator/compute-size.js';
import { NETWORK_NOT_ALLOWED, ipNotAllowed, networkRefusal, validateAllowedIps } from '../../emulator/network-rules.js';
import { CONNECTION_POINT_NAMES, pointRefusal, readOptions } from '../../emulator/point-in-time.js';

/** The decisions behind the compute hosts, as pure functions: sizes, network rules, startup options. */
describe('emulator: compute rules', () => {
  it('compute sizes: the sizes Neon lists, min <= max, autoscaling within 16 CU and 8 CU wide', () => {
    const size = (min: number, max: number) => computeSize({ autoscaling_limit_min_cu: min, autoscaling_limit_max_cu: max });
    for (const [min, max] of [[0.25, 0.25], [0.25, 8], [0.5, 8], [8, 16], [18, 18], [56, 56], [1, 9]] as const) expect(size(min, max)).toEqual({ min, max });
    for (const [min, max, message] of [
      [0.75, 1, /0\.75 is not a compute size/],
      [1, 19, /19 is not a compute size/],
      [58, 58, /58 is not a compute size/],
      [4, 2, /must not be greater/],
      [0.25, 9, /spans at most 8 CU/],
      [16, 18, /autoscaling goes up to 16 CU/],
    ] as const) expect(() => size(min, max)).toThrow(message);
    // A limit left out keeps the one it had.
    expect(computeSize({ autoscaling_limit_max_cu: 4 }, { min: 1, max: 2 })).toEqual({ min: 1, max: 4 });
  });

  it('network rules: block_public_connections first, then the allowlist (addresses, CIDR, ranges, IPv4 and IPv6)', () => {
    const rules = (ips: string[], protectedOnly = false, block = false) => ({ block_public_connections: block, allowed_ips: { ips, protected_branches_only: protectedOnly } });
    expect(networkRefusal(rules([]), false, '127.0.0.1')).toBeUndefined();
    expect(networkRefusal(rules(['127.0.0.1'], false, true), false, '127.0.0.1')).toBe(NETWORK_NOT_ALLOWED);
    expect(networkRefusal(rules(['203.0.113.0/24']), false, '::ffff:127.0.0.1')).toBe(ipNotAllowed('127.0.0.1'));
    expect(networkRefusal(rules(['203.0.113.0/24']), false, '203.0.113.200')).toBeUndefined();
    expect(networkRefusal(rules(['10.0.0.1 - 10.0.0.9']), false, '10.0.0.5')).toBeUndefined();
    expect(networkRefusal(rules(['2001:db8::/32']), false, '2001:db8::1')).toBeUndefined();
    expect(networkRefusal(rules(['2001:db8::/32']), false, '::1')).toBe(ipNotAllowed('::1'));
    expect(networkRefusal(rules(['203.0.113.1'], true), false, '127.0.0.1')).toBeUndefined();
    expect(networkRefusal(rules(['203.0.113.1'], true), true, '127.0.0.1')).toBe(ipNotAllowed('127.0.0.1'));
    expect(() => validateAllowedIps({ ips: ['2001:db8::/129'] })).toThrow(/not an IP address/);
    expect(() => validateAllowedIps({ ips: ['10.0.0.1/8/1'] })).toThrow(/not an IP address/);
    expect(() => validateAllowedIps({ ips: ['203.0.113.0/24', '::1', '10.0.0.1-10.0.0.2'], protected_branches_only: true })).not.toThrow();
  });

  it('startup options: Neon\'s own tokens are taken out, the rest goes to Postgres as written', () => {
    expect(readOptions('neon_timestamp:2024-01-01T00:00:00Z')).toEqual({ pointInTime: { kind: 'timestamp', text: '2024-01-01T00:00:00Z', at: Date.parse('2024-01-01T00:00:00Z') }, rest: undefined });
    expect(readOptions('endpoint=ep-x -c search_path=a\\ b neon_lsn:0/1A7F730')).toEqual({ pointInTime: { kind: 'lsn', text: '0/1A7F730' }, rest: '-c search_path=a\\ b' });
    expect(readOptions('neon_timestamp:yesterday').invalid).toMatch(/invalid neon_timestamp/);
    expect(readOptions(undefined)).toEqual({});
  });

  it('a point in time is served only where the branch\'s data is its present: a time from its last commit on, an LSN from its last change to its current LSN', () => {
    const changedAt = Date.parse('2025-06-01T12:00:00Z');
    const state = { at: changedAt + 60_000, lsn: '0/3000100', changedAt, changedLsn: '0/3000000' };
    const at = (time: number) => ({ kind: 'timestamp' as const, text: new Date(time).toISOString(), at: time });
    const lsn = (text: string) => ({ kind: 'lsn' as const, text });
    const refusal = (asked: ReturnType<typeof at> | ReturnType<typeof lsn>) => pointRefusal('br-b', asked, state, CONNECTION_POINT_NAMES, changedAt + 120_000);
    expect(refusal(at(changedAt))).toBeUndefined();
    expect(refusal(at(changedAt + 30_000))).toBeUndefined();
    expect(refusal(at(changedAt - 1))).toMatch(/cannot go back in time: branch br-b last changed at 2025-06-01T12:00:00.000Z, after neon_timestamp/);
    expect(refusal(at(changedAt + 600_000))).toMatch(/neon_timestamp .* is in the future/);
    expect(refusal(lsn('0/3000000'))).toBeUndefined();
    expect(refusal(lsn('0/3000080'))).toBeUndefined();
    expect(refusal(lsn('0/3000100'))).toBeUndefined();
    expect(refusal(lsn('0/2FFFFFF'))).toMatch(/cannot go back in time: branch br-b changed after neon_lsn 0\/2FFFFFF \(its data is the same only from 0\/3000000 to 0\/3000100\)/);
    expect(refusal(lsn('0/3000101'))).toMatch(/neon_lsn 0\/3000101 is ahead of branch br-b, whose current LSN is 0\/3000100/);
    expect(refusal(lsn('1/0'))).toMatch(/is ahead/);
  });
});
