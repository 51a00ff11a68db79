/** Where the bench's Redis is, and a loud check that it answers. */
import net from 'node:net';

export function redisUrl(): string {
  return process.env.REDIS_URL || 'redis://127.0.0.1:6379';
}

/** Resolves when PING gets +PONG (or a NOAUTH, which still proves a server) within `timeoutMs`; rejects otherwise. */
export function pingRedis(url = redisUrl(), timeoutMs = 1500): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port || 6379);
  const host = u.hostname || '127.0.0.1';
  return new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      const text = data.toString();
      if (text.startsWith('+PONG') || text.includes('NOAUTH')) resolve();
      else reject(new Error(`unexpected reply from ${host}:${port}: ${text.trim()}`));
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`));
    });
  });
}
