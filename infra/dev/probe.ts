// Dependency-free readiness probes. infra/ is not a workspace package, so kafkajs and ioredis do not
// resolve from here; a single wire-protocol round trip is all "is it up?" needs anyway.
import { connect } from "node:net";

export interface KafkaMetadata {
  brokers: { nodeId: number; host: string; port: number }[];
  clusterId: string | undefined;
  controllerId: number;
}

/** One request/response exchange over TCP; `complete` says when the buffered reply is whole. */
function exchange(
  host: string,
  port: number,
  request: Buffer,
  complete: (data: Buffer) => boolean,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const socket = connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no reply from ${host}:${port} in ${timeoutMs}ms`)));
    socket.once("error", reject);
    socket.once("close", () => reject(new Error(`${host}:${port} closed the connection`)));
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (complete(data)) {
        socket.removeAllListeners("close");
        socket.end();
        resolve(data);
      }
    });
    socket.write(request);
  });
}

/** Reads big-endian fields off a Kafka response, front to back. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    private at = 0,
  ) {}
  int16(): number {
    this.at += 2;
    return this.buf.readInt16BE(this.at - 2);
  }
  int32(): number {
    this.at += 4;
    return this.buf.readInt32BE(this.at - 4);
  }
  string(): string | undefined {
    const len = this.int16();
    if (len < 0) return undefined;
    this.at += len;
    return this.buf.toString("utf8", this.at - len, this.at);
  }
}

/** One classic (non-flexible) Kafka request; returns a reader positioned after the correlation id. */
async function kafkaRequest(host: string, port: number, apiKey: number, version: number, body: Buffer, timeoutMs: number): Promise<Reader> {
  const clientId = Buffer.from("churnwatch-probe");
  const header = Buffer.alloc(2 + 2 + 4 + 2);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(1, 4); // correlation id: one request per connection
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  const frame = Buffer.concat([size, header, clientId, body]);
  const reply = await exchange(host, port, frame, (d) => d.length >= 4 && d.length >= 4 + d.readInt32BE(0), timeoutMs);
  return new Reader(reply, 8); // skip size and correlation id
}

/**
 * Metadata (api key 3, v4, no topics): answers once the broker serves clients, the readiness
 * condition kafkajs itself needs. v4 is accepted by Kafka 1.0 through 4.x.
 */
export async function kafkaMetadata(host: string, port: number, timeoutMs = 2_000): Promise<KafkaMetadata> {
  const body = Buffer.from([0, 0, 0, 0, 0]); // empty topic list (brokers only), allow_auto_topic_creation=false
  const r = await kafkaRequest(host, port, 3, 4, body, timeoutMs);
  r.int32(); // throttle_time_ms
  const brokers: KafkaMetadata["brokers"] = [];
  for (let n = r.int32(); n > 0; n--) {
    const nodeId = r.int32();
    const brokerHost = r.string() ?? "";
    const brokerPort = r.int32();
    r.string(); // rack
    brokers.push({ nodeId, host: brokerHost, port: brokerPort });
  }
  const clusterId = r.string();
  return { brokers, clusterId, controllerId: r.int32() };
}

/**
 * FindCoordinator (api key 10, v1) for a group: the Kafka error code, 0 once consumer groups work.
 * On a fresh broker this also creates __consumer_offsets, so the first real consumer does not
 * meet "group coordinator not available".
 */
export async function kafkaGroupCoordinatorError(host: string, port: number, group: string, timeoutMs = 2_000): Promise<number> {
  const key = Buffer.from(group);
  const body = Buffer.alloc(2 + key.length + 1); // key, key_type 0 = group
  body.writeInt16BE(key.length, 0);
  key.copy(body, 2);
  const r = await kafkaRequest(host, port, 10, 1, body, timeoutMs);
  r.int32(); // throttle_time_ms
  return r.int16();
}

/** PING (after AUTH when the URL carries a password). Rejects with the server's error, e.g. NOAUTH. */
export async function redisPing(url: string, timeoutMs = 2_000): Promise<void> {
  const u = new URL(url);
  if (u.protocol !== "redis:") throw new Error(`redisPing supports redis:// URLs only, got ${u.protocol}//`);
  const commands: string[][] = [];
  const password = decodeURIComponent(u.password);
  if (password) commands.push(u.username ? ["AUTH", decodeURIComponent(u.username), password] : ["AUTH", password]);
  commands.push(["PING"]);
  const request = commands.map(resp).join("");
  // Every reply here is a one-line simple string or error.
  const reply = await exchange(
    u.hostname.replace(/^\[|\]$/g, ""),
    Number(u.port || 6379),
    Buffer.from(request),
    (d) => d.toString().split("\r\n").length > commands.length,
    timeoutMs,
  );
  const lines = reply.toString().split("\r\n").slice(0, commands.length);
  const failure = lines.find((line) => line.startsWith("-"));
  if (failure) throw new Error(`Redis at ${u.host} answered ${failure.slice(1)}`);
  if (lines.at(-1) !== "+PONG") throw new Error(`Redis at ${u.host} answered ${JSON.stringify(lines.at(-1))} to PING`);
}

const resp = (args: string[]): string =>
  `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("");
