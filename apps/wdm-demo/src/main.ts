#!/usr/bin/env node
import { main } from "./cli.js";

process.exitCode = main(process.argv.slice(2), { stdout: (line) => console.log(line), stderr: (line) => console.error(line) });
