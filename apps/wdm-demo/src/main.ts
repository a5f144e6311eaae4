#!/usr/bin/env node
import { runDemo } from "./demo.js";

const seedArg = process.argv.indexOf("--seed");
const seed = seedArg >= 0 ? Number(process.argv[seedArg + 1]) : 1;
const result = runDemo((line) => console.log(line), { seed: Number.isFinite(seed) ? seed : 1 });
process.exitCode = result.exitCode;
