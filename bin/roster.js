#!/usr/bin/env node
// The `roster` command: runs src/main.ts through tsx (TypeScript without a build step).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/main.ts");
await main(process.argv);
