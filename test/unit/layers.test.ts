import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { checkLayers, importsOf, readSources } from "../support/layers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("layers (ARCHITECTURE.md)", () => {
  test("no import in src/ or web/ crosses a layer the wrong way or reaches past an index.ts", () => {
    const sources = readSources(root, ["src", "web"]);
    const scanned = sources.filter((s) => s.path.startsWith("src/")).length;
    assert.ok(scanned > 10, `scanned only ${scanned} files of src/: the checker is not reading the code`);
    const violations = checkLayers(sources);
    assert.deepEqual(violations, [], `imports that break the layering:\n${violations.join("\n")}`);
  });

  test("the checker finds each kind of violation in an example, and only those", () => {
    const example = [
      { path: "src/domain/model.ts", text: `import { fail } from "./errors.ts";` },
      // Upward, as a type-only import spread over lines.
      { path: "src/domain/bad.ts", text: `import type {\n  Store,\n} from "../store/index.ts";` },
      // Allowed, through the index; an import inside a comment or a string is not an import.
      {
        path: "src/commands/add.ts",
        text: `import { x } from "../store/index.ts";\n// import { y } from "../http/index.ts";\nconst s = 'from "../http/index.ts"';`,
      },
      // Past the index, by a re-export.
      { path: "src/commands/leak.ts", text: `export { insertUser } from "../store/users.ts";` },
      // Store may not call up to commands, not even lazily, nor by an import type.
      {
        path: "src/store/lazy.ts",
        text: `const m = await import("../commands/index.ts");\ntype C = import("../commands/index.ts").Ctx;`,
      },
      { path: "src/store/dynamic.ts", text: `const name = "x";\nawait import(name);` },
      { path: "src/http/routes/admin/users.ts", text: `import { q } from "../../../queries/index.ts";` },
      { path: "src/http/app.ts", text: `import { openStore } from "../store/index.ts";` },
      {
        path: "src/contracts/users.ts",
        text: `import { z } from "zod";\nimport { FastifyInstance } from "fastify";`,
      },
      {
        path: "src/main.ts",
        text: `import { a } from "./store/index.ts";\nimport { b } from "./http/app.ts";`,
      },
      { path: "src/jobs/nightly.ts", text: `export const x = 1;` },
      {
        path: "web/src/pages/Users.tsx",
        text: `import { u } from "../../../src/contracts/index.ts";\nimport { d } from "../../../src/domain/index.ts";\nexport const P = () => <div>{u}</div>;`,
      },
    ];
    assert.deepEqual(checkLayers(example), [
      "src/domain/bad.ts:1: imports src/store/index.ts (layer src/domain may not import layer src/store)",
      "src/commands/leak.ts:1: imports src/store/users.ts (layer src/commands must import src/store through src/store/index.ts)",
      "src/store/lazy.ts:1: imports src/commands/index.ts (layer src/store may not import layer src/commands)",
      "src/store/lazy.ts:2: imports src/commands/index.ts (layer src/store may not import layer src/commands)",
      "src/store/dynamic.ts:2: imports a computed specifier (import() must name its module to be checked)",
      "src/http/app.ts:1: imports src/store/index.ts (layer src/http may not import layer src/store)",
      "src/contracts/users.ts:2: imports fastify (layer src/contracts may not import package fastify)",
      "src/main.ts:2: imports src/http/app.ts (layer src/main.ts must import src/http through src/http/index.ts)",
      "src/jobs/nightly.ts: src/jobs is not a layer of ARCHITECTURE.md (add it to the table first)",
      "web/src/pages/Users.tsx:2: imports src/domain/index.ts (layer web may not import layer src/domain)",
    ]);
  });

  test("reads every form of import in a real file's syntax", () => {
    const text = [
      `import a from "./a.ts";`,
      `import type { B } from "./b.ts";`,
      `export * from "./c.ts";`,
      `export type { D } from "./d.ts";`,
      `import "./e.ts";`,
      `import f = require("./f.ts");`,
      `const g = () => import("./g.ts");`,
      "const h = import(`./h.ts`);",
      `export const i = 1;`,
    ].join("\n");
    assert.deepEqual(
      importsOf("src/x/y.ts", text).map((i) => i.specifier),
      ["./a.ts", "./b.ts", "./c.ts", "./d.ts", "./e.ts", "./f.ts", "./g.ts", "./h.ts"],
    );
  });
});
