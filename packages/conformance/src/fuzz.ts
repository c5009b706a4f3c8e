/**
 * Seeded mutation fuzzing of model files: truncation, bit flips, byte stomps and varint splices. Each mutant is
 * loaded and run in a child process; the parent watches for crashes, hangs and throws that are not Errors.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Random } from '@onnx-ts/backend-cpu-ref';

export type MutationKind = 'truncate' | 'bitflip' | 'stomp' | 'varint';

/** Mutates a copy of `bytes` the way `seed` says; the same seed always gives the same mutant. */
export function mutate(bytes: Uint8Array, seed: number): { kind: MutationKind; bytes: Uint8Array } {
  const random = new Random(seed);
  const rand = () => random.uniform();
  const at = (n = bytes.length) => Math.floor(rand() * n);
  const kinds: MutationKind[] = ['truncate', 'bitflip', 'stomp', 'varint'];
  const kind = kinds[at(kinds.length)];
  const out = bytes.slice();
  switch (kind) {
    case 'truncate':
      return { kind, bytes: out.slice(0, at()) };
    case 'bitflip':
      for (let i = 1 + at(8); i > 0; i--) out[at()] ^= 1 << at(8);
      return { kind, bytes: out };
    case 'stomp': {
      const values = [0x00, 0xff, 0x7f, 0x80, 0x01];
      for (let i = 1 + at(4); i > 0; i--) out[at()] = values[at(values.length)];
      return { kind, bytes: out };
    }
    case 'varint': {
      // Splice a long or maximal varint where a length or value was: absurd sizes, dims and counts.
      const varints = [[0xff, 0xff, 0xff, 0xff, 0x0f], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], [0x80, 0x80, 0x80, 0x80, 0x08], [0x7f]];
      const v = varints[at(varints.length)];
      const pos = at();
      const merged = new Uint8Array(out.length + v.length - 1);
      merged.set(out.subarray(0, pos));
      merged.set(v, pos);
      merged.set(out.subarray(pos + 1), pos + v.length);
      return { kind, bytes: merged };
    }
  }
}

export interface FuzzFinding {
  model: string;
  seed: number;
  problem: 'crash' | 'hang' | 'non-Error throw';
  detail: string;
}

export interface FuzzOptions {
  models: string[];
  seeds: number;
  /** Per-mutant limit before the child counts as hung (default 10 s). */
  timeoutMs?: number;
  /** Extra node arguments for the child (e.g. the TypeScript loader when running from source). */
  execArgv?: string[];
  /** Backend the mutants run on (default cpu-ref) and where its package resolves, for backends this package cannot import. */
  backend?: string;
  backendModule?: string;
}

function childScript(): string {
  const fromSource = import.meta.url.endsWith('.ts');
  return fileURLToPath(new URL(fromSource ? './fuzz-child.ts' : './fuzz-child.js', import.meta.url));
}

/**
 * Runs `seeds` mutants over the models (seed i mutates model i mod n). One child runs mutants in turn and reports
 * each; when it dies or stops answering, the mutant in flight is recorded and a new child carries on.
 */
export async function fuzzModels(options: FuzzOptions): Promise<{ findings: FuzzFinding[]; ran: number }> {
  const findings: FuzzFinding[] = [];
  const timeoutMs = options.timeoutMs ?? 10_000;
  let next = 0;
  let ran = 0;
  while (next < options.seeds) {
    const start = next;
    const outcome = await new Promise<{ reachedSeed: number; finding?: Omit<FuzzFinding, 'seed' | 'model'> }>((resolve) => {
      const child = spawn(process.execPath, [...(options.execArgv ?? []), '--max-old-space-size=3072', childScript(), String(start), String(options.seeds), ...options.models], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FUZZ_BACKEND: options.backend ?? 'cpu-ref', FUZZ_BACKEND_MODULE: options.backendModule ?? '' },
      });
      let current = start;
      let buffer = '';
      let stderr = '';
      let timer = setTimeout(() => onHang(), timeoutMs);
      const onHang = () => {
        child.kill('SIGKILL');
        resolve({ reachedSeed: current, finding: { problem: 'hang', detail: `no answer within ${timeoutMs} ms` } });
      };
      child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const [tag, seed, ...rest] = line.split(' ');
          if (tag !== 'done' && tag !== 'nonerror') continue;
          ran++;
          clearTimeout(timer);
          timer = setTimeout(() => onHang(), timeoutMs);
          current = Number(seed) + 1;
          if (tag === 'nonerror') findings.push({ seed: Number(seed), model: options.models[Number(seed) % options.models.length], problem: 'non-Error throw', detail: rest.join(' ') });
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (current >= options.seeds) resolve({ reachedSeed: current });
        else if (signal !== 'SIGKILL') resolve({ reachedSeed: current, finding: { problem: 'crash', detail: `exit ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` } });
      });
    });
    if (outcome.finding) {
      findings.push({ ...outcome.finding, seed: outcome.reachedSeed, model: options.models[outcome.reachedSeed % options.models.length] });
      next = outcome.reachedSeed + 1;
      ran++;
    } else {
      next = outcome.reachedSeed;
    }
  }
  return { findings, ran };
}
