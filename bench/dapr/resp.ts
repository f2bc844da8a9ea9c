import { type Socket, connect } from 'node:net';

// The smallest Redis client the direct path needs: one command in flight at a time over one
// connection, RESP2 replies of the simple kinds SET and GET give. No dependency for a benchmark.

export interface Resp {
  command(...args: string[]): Promise<string | number | null>;
  close(): void;
}

export async function respClient(port: number): Promise<Resp> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let pending: { resolve: (v: string | number | null) => void; reject: (e: Error) => void } | undefined;

  /** One complete reply at the buffer's start, or undefined while it is still arriving. */
  function parse(): { value: string | number | null; rest: Buffer } | undefined {
    const end = buffer.indexOf('\r\n');
    if (end < 0) return undefined;
    const line = buffer.subarray(1, end).toString();
    const after = buffer.subarray(end + 2);
    switch (String.fromCharCode(buffer[0]!)) {
      case '+':
        return { value: line, rest: after };
      case ':':
        return { value: Number(line), rest: after };
      case '-':
        throw new Error(line);
      case '$': {
        const length = Number(line);
        if (length < 0) return { value: null, rest: after };
        if (after.length < length + 2) return undefined;
        return { value: after.subarray(0, length).toString(), rest: after.subarray(length + 2) };
      }
      default:
        throw new Error(`unexpected reply ${line}`);
    }
  }

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!pending) return;
    const waiting = pending;
    try {
      const reply = parse();
      if (!reply) return;
      buffer = reply.rest;
      pending = undefined;
      waiting.resolve(reply.value);
    } catch (err) {
      pending = undefined;
      waiting.reject(err as Error);
    }
  });

  return {
    command: (...args) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
      }),
    close: () => socket.destroy(),
  };
}
