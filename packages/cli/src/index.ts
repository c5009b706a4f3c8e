/** The onnx-ts command line. */
import { Command, Option } from 'commander';
import { benchCommand } from './commands/bench.js';
import { conformanceCommand } from './commands/conformance.js';
import { demoCommand } from './commands/demo.js';
import { diffCommand } from './commands/diff.js';
import { inspectCommand } from './commands/inspect.js';
import { registerOptimizerCommands } from './commands/optimizer.js';
import { profileCommand } from './commands/profile.js';
import { runCommand } from './commands/run.js';
import { availableBackends, backendList } from './lib/backends.js';
import { CliError } from './lib/errors.js';
import { exitQuietlyOnClosedPipe, fail } from './lib/fail.js';
import { collect } from './lib/inputs.js';

/** --input, --dim and --seed: how commands that run a model get their inputs. */
function withInputOptions(cmd: Command): Command {
  return cmd
    .option('--input <name=file>', 'input from a .pb, .npy or .json file (repeatable; just FILE for a one-input model)', collect)
    .option('--dim <name=value>', 'value of a symbolic dim (repeatable; default 1)', collect)
    .option('--seed <n>', 'seed of the random inputs', '1');
}

export function buildProgram(): Command {
  const program = new Command('onnx-ts')
    .description('ONNX inference in TypeScript: run, inspect, profile, compare backends, benchmark, test conformance')
    .option('--verbose', 'show stack traces')
    .usage('[options] [command]')
    .configureOutput({ outputError: (text, write) => write(`onnx-ts: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError('hint: add --help for usage')
    .showSuggestionAfterError();

  program
    .argument('[command]')
    .action(async (command: string | undefined) => {
      if (command) {
        const known = program.commands.map((c) => c.name());
        throw new CliError(`unknown command '${command}'`, `commands: ${known.join(', ')}; see onnx-ts --help`);
      }
      process.exitCode = await demoCommand({});
    });

  program.command('demo')
    .description('run a small CNN built in code on every available backend (what `onnx-ts` with no command does)')
    .option('--runs <n>', 'timed runs per backend', '5')
    .option('--save <file>', 'write the demo model to an .onnx file instead of running it')
    .option('--json', 'print outputs and timings as JSON')
    .action(async (opts) => { process.exitCode = await demoCommand(opts); });

  withInputOptions(program.command('run')
    .description('run a model and print its outputs (shape, type, statistics) and latency')
    .argument('<model>', 'ONNX model file')
    .option('--backend <names>', 'backend(s), comma-separated; several are compared with the first', backendList)
    .option('--runs <n>', 'timed runs per backend', '1')
    .option('--save-inputs <dir>', 'write the inputs used as .pb files')
    .option('--json', 'print {outputs: {name: {type, dims, data}}, backends: [...]}'))
    .action(async (model: string, opts) => { process.exitCode = await runCommand(model, opts); });

  program.command('inspect')
    .description('versions, inputs/outputs, op histogram, parameters, and which backend runs each node')
    .argument('<model>', 'ONNX model file')
    .option('--backend <names>', 'backends to place nodes on (default: every available one)', backendList)
    .option('--nodes', 'list every node with its backend')
    .option('--json', 'print the report as JSON')
    .action(async (model: string, opts) => { process.exitCode = await inspectCommand(model, opts); });

  withInputOptions(program.command('profile')
    .description('time each node and op type on one backend; optionally write a Chrome trace')
    .argument('<model>', 'ONNX model file')
    .option('--backend <name>', 'backend to profile (default: the preferred available one)', backendList)
    .option('--runs <n>', 'profiled runs', '5')
    .option('--warmup <n>', 'untimed runs first', '1')
    .option('--top <n>', 'nodes to list, slowest first (0: all)', '15')
    .option('--trace <file>', 'write a Chrome trace (chrome://tracing, Perfetto)')
    .option('--json', 'print the timings as JSON'))
    .action(async (model: string, opts) => { process.exitCode = await profileCommand(model, opts); });

  withInputOptions(program.command('diff')
    .description('compare every intermediate value of two backends; report the first node that disagrees (exit 1 if any)')
    .argument('<model>', 'ONNX model file')
    .requiredOption('--backends <a,b>', 'the two backends', backendList)
    .option('--rtol <x>', 'relative tolerance', '1e-3')
    .option('--atol <x>', 'absolute tolerance', '1e-5')
    .option('--all', 'list every disagreeing value')
    .option('--json', 'print the comparison as JSON'))
    .action(async (model: string, opts) => { process.exitCode = await diffCommand(model, opts); });

  withInputOptions(program.command('bench')
    .description('latency (median, p90) and memory of a model; optionally beside onnxruntime-web and onnxruntime-node')
    .argument('<model>', 'ONNX model file')
    .option('--backend <names>', 'backend(s), comma-separated (default: the preferred available one)', backendList)
    .option('--runs <n>', 'timed runs per engine', '10')
    .option('--warmup <n>', 'untimed runs per engine first', '2')
    .option('--threads <n>', 'threads (onnx-ts intraOpNumThreads, ort-web wasm threads, ort-node intraOpNumThreads)', '1')
    .option('--compare <engines>', 'also time ort-web and/or ort-node, comma-separated', backendList)
    .option('--json', 'print the measurements as JSON'))
    .action(async (model: string, opts) => { process.exitCode = await benchCommand(model, opts); });

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
      const backends = opts.allBackends ? await availableBackends() : opts.backend;
      process.exitCode = await conformanceCommand({ ...opts, backend: backends });
    });

  registerOptimizerCommands(program);

  return program;
}

exitQuietlyOnClosedPipe();
const program = buildProgram();
program.parseAsync(process.argv).catch((e) => fail(e, program.opts().verbose === true || process.argv.includes('--verbose')));
