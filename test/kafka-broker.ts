import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { terminate } from './processes.ts';

/**
 * A real single-node Kafka (KRaft, broker+controller in one JVM) on 127.0.0.1.
 * stop() keeps the data dir so start() brings back the same broker, ports and data;
 * destroy() stops it and deletes `dir` recursively.
 */
export interface KafkaBroker {
  brokers: string[];
  port: number;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const repoRoot = join(import.meta.dirname, '..');
const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
const startedLine = /Kafka Server started/;

function installKafka(): string {
  const res = spawnSync('bash', [join(repoRoot, 'scripts/kafka/install.sh')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const libs = res.stdout.trim().split('\n').at(-1);
  if (res.status !== 0 || !libs) throw new Error(`scripts/kafka/install.sh failed (${res.status ?? res.signal})`);
  return libs;
}

export async function startKafka(opts: { dir?: string; port?: number } = {}): Promise<KafkaBroker> {
  const libs = installKafka();
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'kafka-')));
  const port = opts.port ?? (await freePort());
  let controllerPort = await freePort();
  while (controllerPort === port) controllerPort = await freePort();

  const config = join(dir, 'server.properties');
  const logFile = join(dir, 'broker.log');
  await writeFile(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      'default.replication.factor=1',
      'auto.create.topics.enable=false',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      // One partition instead of 50: the first consumer group join creates this topic.
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'log.segment.bytes=1048576',
      '',
    ].join('\n'),
  );
  // Without a log4j config reload4j logs nothing, and we wait for the "started" line.
  await writeFile(
    join(dir, 'log4j.properties'),
    [
      'log4j.rootLogger=INFO, stdout',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  );
  // C1-only JIT and serial GC: a short-lived test broker on 2 cores starts in about half the time.
  const jvm = [
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    '-Xmx512m',
    '-Xms256m',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
    '-cp',
    `${libs}/*`,
  ];

  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url');
    // `--cluster-id=` form: a base64url id may start with '-', which the tool would read as a flag.
    const res = spawnSync(java, [...jvm, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', config], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`kafka storage format failed (${res.status ?? res.signal}):\n${res.stdout}${res.stderr}`);
  }

  let child: ChildProcess | undefined;
  // A forgotten or crashed test must not leave a JVM holding ports after node exits.
  const killOnExit = () => child?.kill('SIGKILL');

  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const from = existsSync(logFile) ? statSync(logFile).size : 0;
    const out = openSync(logFile, 'a');
    const proc = spawn(java, [...jvm, 'kafka.Kafka', config], { stdio: ['ignore', out, out] });
    closeSync(out);
    child = proc;
    // unref: the exit hook, not this handle, decides the JVM's fate if a test forgets stop().
    proc.unref();
    process.on('exit', killOnExit);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const log = (await readFile(logFile)).subarray(from).toString();
      if (startedLine.test(log)) return;
      const exited = proc.exitCode !== null || proc.signalCode !== null;
      if (exited || Date.now() > deadline) {
        await stop();
        throw new Error(`kafka ${exited ? 'exited' : 'did not start in 120 s'}; ${logFile}:\n${log.split('\n').slice(-40).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stop(): Promise<void> {
    if (!child) return;
    await terminate(child);
    child = undefined;
    process.off('exit', killOnExit);
  }

  async function destroy(): Promise<void> {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }

  await start();
  return { brokers: [`127.0.0.1:${port}`], port, dir, start, stop, destroy };
}
