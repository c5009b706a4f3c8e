/** The onnx-ts command line. */
import { Command, Option } from 'commander';
import { conformanceCommand, installedBackends } from './commands/conformance.js';

function fail(e: unknown, verbose: boolean): never {
  const err = e instanceof Error ? e : new Error(String(e));
  console.error(`onnx-ts: ${err.message}`);
  if (verbose && err.stack) console.error(err.stack);
  else console.error('hint: run with --verbose for details');
  process.exit(2);
}

export function buildProgram(): Command {
  const program = new Command('onnx-ts')
    .description('ONNX inference in TypeScript: run, inspect, profile, compare backends, optimize, test conformance')
    .option('--verbose', 'show stack traces');

  program.command('conformance')
    .description('run the ONNX backend test data against a backend')
    .option('--backend <names>', 'backend(s), comma-separated', (v: string) => v.split(','), ['cpu-ref'])
    .option('--all-backends', 'every installed backend')
    .option('--data <dir>', 'test data: a data root, one suite folder, or one test (default: ONNX_TEST_DATA, ../shared, onnx package)')
    .option('--filter <regex>', 'only tests whose name matches')
    .option('--json <file>', 'write results as JSON')
    .option('--report <file>', 'write a Markdown report')
    .option('--expected <set>', 'expected-failure list to check against (default: the backend name)')
    .addOption(new Option('--timeout <ms>', 'per-test time limit').default('60000'))
    .addOption(new Option('--workers <n>', 'worker threads').default('1'))
    .option('--check', 'exit 1 on a new failure or an unexpected pass')
    .option('--quiet', 'no progress output')
    .action(async (opts) => {
      const backends = opts.allBackends ? await installedBackends() : opts.backend;
      process.exitCode = await conformanceCommand({ ...opts, backend: backends });
    });

  return program;
}

const program = buildProgram();
program.parseAsync(process.argv).catch((e) => fail(e, program.opts().verbose === true || process.argv.includes('--verbose')));
