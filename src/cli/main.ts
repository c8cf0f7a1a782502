/**
 * The `dede` command line: dispatch, Ctrl-C, and the error contract: one line
 * "dede: error: ..." on stderr, exit 2 for usage mistakes and 1 for failures, no stack trace
 * unless DEDE_DEBUG=1.
 */
import { MAIN_HELP, SCAN_HELP, UsageError, parseScanArgs } from './args';
import { checkInputPaths } from './files';

/** One line, whatever the thrown message held (ORT and tfjs messages can span lines). */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function reportError(err: unknown): number {
  const debug = process.env.DEDE_DEBUG === '1';
  if (err instanceof UsageError) {
    process.stderr.write(`dede: error: ${oneLine(err.message)} (see dede scan --help)\n`);
    return 2;
  }
  if (err instanceof Error && err.name === 'CancelledError') {
    process.stderr.write('\ndede: stopped by the user\n');
    return 130;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`dede: error: ${oneLine(message)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

/** Runs the command for `argv` (without node and script); resolves the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${MAIN_HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'scan') return reportError(new UsageError(`unknown command "${command}"; the command is: dede scan`));

  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stderr.write('\ndede: stopping after the current step (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const args = parseScanArgs(rest);
    if (args === null) {
      process.stdout.write(`${SCAN_HELP}\n`);
      return 0;
    }
    await checkInputPaths(args);
    // The engine (tfjs, ONNX Runtime) loads only now, so usage and path mistakes answer at once.
    const { scanCommand } = await import('./scan');
    return await scanCommand(args, { stderr: process.stderr, shouldStop: () => stopRequested });
  } catch (err) {
    return reportError(err);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
