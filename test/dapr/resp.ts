import { type Socket, connect } from 'node:net';

// The smallest Redis client test:dapr and bench:dapr need, to look at what daprd wrote and to time
// the direct path: one command in flight at a time over one connection, RESP2 replies. No
// dependency for that.

export type Reply = string | number | null | Reply[];

export interface Resp {
  command(...args: string[]): Promise<Reply>;
  close(): void;
}

/** One complete reply starting at `at`, or undefined while it is still arriving. */
function parse(buffer: Buffer, at: number): { value: Reply; end: number } | undefined {
  const eol = buffer.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buffer.subarray(at + 1, eol).toString();
  const next = eol + 2;
  switch (String.fromCharCode(buffer[at]!)) {
    case '+':
      return { value: line, end: next };
    case ':':
      return { value: Number(line), end: next };
    case '-':
      throw new Error(line);
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.subarray(next, next + length).toString(), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: Reply[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, end);
        if (!item) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`unexpected reply ${line}`);
  }
}

export async function respClient(port: number): Promise<Resp> {
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  socket.setNoDelay(true);
  let buffer: Buffer = Buffer.alloc(0);
  let pending: { resolve: (v: Reply) => void; reject: (e: Error) => void } | undefined;

  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (!pending) return;
    const waiting = pending;
    try {
      const reply = parse(buffer, 0);
      if (!reply) return;
      buffer = buffer.subarray(reply.end);
      pending = undefined;
      waiting.resolve(reply.value);
    } catch (err) {
      buffer = Buffer.alloc(0);
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
