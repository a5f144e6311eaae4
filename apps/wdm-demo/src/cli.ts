import { runDemo } from "./demo.js";

export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

export const USAGE = `usage: pnpm start [--seed <n>] [--help]      (or, once built: node apps/wdm-demo/dist/main.js [--seed <n>])

Boots emulated Windows machines, loads the WDM sample drivers (echo, ioctl, a three-driver
stack and a broken one), runs their client programs and explains each step.

  --seed <n>    the seed every scheduling choice follows (an integer from 0 to 4294967295,
                default 1). The same seed replays the same run: compare the fingerprint
                printed at the end.
  --help, -h    print this and exit`;

/** The demo's command line: returns the process exit code (0 all good, 1 a sample failed, 2 bad arguments). */
export function main(argv: readonly string[], io: CliIo): number {
  let seed = 1;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    switch (flag) {
      case "--":
        // pnpm passes on the separator it was given; it means nothing here.
        break;
      case "-h":
      case "--help":
        io.stdout(USAGE);
        return 0;
      case "--seed": {
        const raw = inline ?? argv[++i];
        const n = raw === undefined || !/^\d+$/.test(raw.trim()) ? Number.NaN : Number(raw);
        if (!Number.isSafeInteger(n) || n > 0xffff_ffff) {
          io.stderr(`wdm-demo: --seed wants an integer from 0 to 4294967295, got ${raw === undefined ? "nothing" : JSON.stringify(raw)}\n\n${USAGE}`);
          return 2;
        }
        seed = n;
        break;
      }
      default:
        io.stderr(`wdm-demo: unknown argument ${JSON.stringify(arg)}\n\n${USAGE}`);
        return 2;
    }
  }
  return runDemo(io.stdout, { seed }).exitCode;
}
