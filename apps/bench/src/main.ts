import { floor } from "./benches/floor.js";
import { wdmIoctlChecked, wdmIoctlFree } from "./benches/wdm-ioctl.js";
import { copy64, kernelIoctl0, kernelIoctl64, poolAllocFree } from "./benches/breakdown.js";
import { runCli } from "./cli.js";
import type { BenchDefinition } from "./harness.js";

// To add a benchmark: write src/benches/<name>.ts exporting a BenchDefinition
// (see benches/floor.ts), import it above and add it to this list.
const benches: readonly BenchDefinition[] = [
  wdmIoctlFree,
  wdmIoctlChecked,
  floor,
  kernelIoctl64,
  kernelIoctl0,
  poolAllocFree,
  copy64,
];

process.exitCode = runCli(process.argv.slice(2), benches);
