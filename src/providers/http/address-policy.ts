import ipaddr from 'ipaddr.js';

/**
 * Which addresses forge calls may connect to. Public unicast addresses always; loopback, link-local
 * (cloud metadata included), private, CGNAT and other special ranges only when the operator lists the host,
 * the address or a CIDR containing it in FORGEGRAPH_ALLOWED_PRIVATE_HOSTS.
 */
export class AddressPolicy {
  private readonly hosts = new Set<string>();
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];

  constructor(allowed: string | undefined) {
    for (const entry of (allowed ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
      if (entry.includes('/')) this.ranges.push(ipaddr.parseCIDR(entry));
      else if (ipaddr.isValid(entry)) this.ranges.push([normalize(ipaddr.parse(entry)), normalize(ipaddr.parse(entry)).kind() === 'ipv4' ? 32 : 128]);
      else this.hosts.add(entry.toLowerCase().replace(/\.$/, ''));
    }
  }

  /** Whether a connection to `address`, reached through the name `host`, is allowed. */
  allows(host: string, address: string): boolean {
    if (this.hosts.has(host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, ''))) return true;
    const ip = normalize(ipaddr.parse(address));
    if (isPublic(ip)) return true;
    return this.ranges.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  }
}

function normalize(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

function isPublic(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return ip.range() === 'unicast';
}
