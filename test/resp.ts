import { type Socket, connect } from 'node:net';

/** A Redis reply as RESP2 sends it: bulk strings stay bytes, errors are marked. */
export type Reply = string | number | Buffer | null | RespError | Reply[];

export class RespError {
  constructor(readonly message: string) {}
}

const encode = (args: string[]): Buffer =>
  Buffer.concat([
    Buffer.from(`*${args.length}\r\n`),
    ...args.flatMap((a) => {
      const b = Buffer.from(a);
      return [Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')];
    }),
  ]);

/** Parses one reply at `at`; undefined when the buffer does not hold all of it yet. */
function parse(buf: Buffer, at: number): { value: Reply; next: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const line = buf.toString('utf8', at + 1, eol);
  switch (String.fromCharCode(buf[at]!)) {
    case '+':
      return { value: line, next: eol + 2 };
    case '-':
      return { value: new RespError(line), next: eol + 2 };
    case ':':
      return { value: Number(line), next: eol + 2 };
    case '$': {
      const len = Number(line);
      if (len < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + len + 2) return undefined;
      return { value: buf.subarray(eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      const items: Reply[] = [];
      let next = eol + 2;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, next);
        if (!item) return undefined;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type byte ${buf[at]}`);
  }
}

/** One connection to Redis that sends commands pipelined and answers each with its reply, in order. */
export class RespConnection {
  private buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const parsed = this.buffer.length > 0 ? parse(this.buffer, 0) : undefined;
        if (!parsed) break;
        this.buffer = this.buffer.subarray(parsed.next);
        this.waiting.shift()?.resolve(parsed.value);
      }
    });
    const fail = (err: Error) => {
      for (const w of this.waiting.splice(0)) w.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('redis connection closed')));
  }

  static open(port: number, host = '127.0.0.1'): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => resolve(new RespConnection(socket)));
      socket.once('error', reject);
    });
  }

  get usable(): boolean {
    return !this.socket.destroyed;
  }

  command(args: string[]): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.socket.write(encode(args));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
