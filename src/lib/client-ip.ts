import type { IncomingMessage } from 'node:http';

function normalise(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

/**
 * The visitor's address. With no trusted proxies (the default) only the socket address
 * counts: X-Forwarded-For is trivially forged. With N trusted hops, the address the Nth proxy
 * from us saw is taken from the right of X-Forwarded-For, as Express's `trust proxy` does.
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const socketAddress = normalise(req.socket.remoteAddress ?? '');
  if (trustedHops <= 0) return socketAddress;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (forwarded.length === 0) return socketAddress;
  const index = Number.isFinite(trustedHops) ? Math.max(0, forwarded.length - trustedHops) : 0;
  return normalise(forwarded[index] as string);
}
