import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI, nodeArgv, type ProcessSpec } from '../../../../examples/scale-out/processes.mjs';

/** The line `smmbot start` prints once it listens (after the engine started); group 1 is the port. */
export const HOST_READY = /Web chat: http:\/\/[^:]+:(\d+)\//;

/** Enough of a process's output to see why it failed, without keeping 10,000 log lines per worker. */
const TAIL_CHARS = 16_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One `smmbot` process of the deployment, started from its spec (examples/scale-out/processes.mjs).
 * Reads its output line by line: readiness, the balancer's leadership, and a tail of each stream
 * for the report when it dies unexpectedly.
 */
export class RunningProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** Set before we kill it: an exit we did not ask for fails the test with the process's stderr. */
  expectedExit = false;
  /** Whether its last balancer lease line says it leads the outbox. */
  leading = false;
  /** When it last logged a Ticket AI command turn: it is running a ticket poll around then. */
  lastTicketTurnAt = 0;
  readonly startedAt = Date.now();
  private outTail = '';
  private errTail = '';
  private readonly watchers = new Set<(line: string) => boolean>();

  constructor(
    readonly spec: ProcessSpec,
    env: Record<string, string>,
    cwd: string,
    onUnexpectedExit: (p: RunningProcess, exit: Exit) => void,
  ) {
    this.child = spawn(process.execPath, nodeArgv(spec), {
      cwd,
      env: { ...env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    let partial = '';
    this.child.stdout!.on('data', (chunk: string) => {
      this.outTail = (this.outTail + chunk).slice(-TAIL_CHARS);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) this.onLine(line);
    });
    this.child.stderr!.on('data', (chunk: string) => {
      this.errTail = (this.errTail + chunk).slice(-TAIL_CHARS);
    });
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        if (!this.expectedExit) onUnexpectedExit(this, { code, signal });
        resolve({ code, signal });
      }),
    );
  }

  get name(): string {
    return this.spec.name;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of stderr and stdout, for failure messages. */
  output(chars = 4_000): string {
    return `--- ${this.name} stderr:\n${this.errTail.slice(-chars)}\n--- ${this.name} stdout:\n${this.outTail.slice(-chars)}`;
  }

  /** Resolves with the first line matching `pattern` (seen from now on); rejects if the process exits first. */
  waitForLine(pattern: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.watchers.delete(watch);
        reject(new Error(`${this.name}: no ${what} after ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      const watch = (line: string) => {
        const match = pattern.exec(line);
        if (!match) return false;
        clearTimeout(timer);
        resolve(match);
        return true;
      };
      this.watchers.add(watch);
      void this.exited.then(({ code, signal }) => {
        if (!this.watchers.delete(watch)) return;
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before ${what}\n${this.output()}`));
      });
    });
  }

  /** SIGKILL, as a crash: no shutdown hook runs. Resolves once the process is gone. */
  async kill(): Promise<Exit> {
    this.expectedExit = true;
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  private onLine(line: string): void {
    // The balancer logs each change of leadership (packages/balancer/src/distributed).
    if (line.includes('this process leads the balancer')) this.leading = true;
    else if (line.includes('balancer lease lost')) this.leading = false;
    else if (line.includes('"channel":"ticket:') && line.includes('turn handled')) this.lastTicketTurnAt = Date.now();
    for (const watch of this.watchers) if (watch(line)) this.watchers.delete(watch);
  }
}

/** The processes of one test run: started with one environment, all killed at the end whatever happens. */
export class Deployment {
  readonly processes: RunningProcess[] = [];
  private readonly failures: string[] = [];
  /** Set by killAll: a step still running after a failure (a restart) must not start orphans. */
  private closed = false;

  constructor(private readonly cwd: string) {}

  /** Starts `spec` with exactly `env` (plus the spec's own PORT): nothing leaks in from the test's environment. */
  start(spec: ProcessSpec, env: Record<string, string>): RunningProcess {
    if (this.closed) throw new Error(`not starting ${spec.name}: the deployment was torn down`);
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b)`);
    const proc = new RunningProcess(spec, env, this.cwd, (p, exit) => {
      const failure = `${p.name} died unexpectedly (${exit.code ?? exit.signal})\n${p.output()}`;
      this.failures.push(failure);
      console.error(failure);
    });
    this.processes.push(proc);
    return proc;
  }

  /** Throws (with its output) if any process exited without being asked to. */
  assertAlive(): void {
    if (this.failures.length) throw new Error(this.failures.join('\n'));
  }

  leaders(): RunningProcess[] {
    return this.processes.filter((p) => p.running && p.leading);
  }

  /** Kills every process still running (SIGKILL) and waits for them: for afterAll, even after a failure. */
  async killAll(): Promise<void> {
    this.closed = true;
    await Promise.all(this.processes.map((p) => p.kill()));
  }
}
