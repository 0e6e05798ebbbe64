export { createDemoOrganization } from "./demo.ts";
export { buildProgram, runCli } from "./main.ts";
