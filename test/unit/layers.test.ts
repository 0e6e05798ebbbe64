import assert from "node:assert/strict";
import { posix } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { checkLayers, importsOf, readSources, type Source } from "../support/layers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The console (web/) runs in a browser and talks to the server over HTTP
 * only: of the server it imports the contracts, as types (z.infer), so no
 * server code and no zod reach the bundle; of packages, the browser ones.
 */
const WEB_PACKAGES = [
  "react",
  "react-dom",
  "@mantine/core",
  "@mantine/hooks",
  "@tanstack/react-query",
  "@tanstack/react-table",
  // The build's own configuration (web/vite.config.ts).
  "vite",
  "@vitejs/plugin-react",
];
/** Packages the console may name in types only. */
const WEB_TYPE_PACKAGES = ["zod"];

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // a bare `import "x"` runs x
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** The console's imports that break the rule above, one line each. */
function webViolations(sources: Iterable<Source>): string[] {
  const out: string[] = [];
  for (const { path, text } of sources) {
    if (!path.startsWith("web/")) continue;
    const kind = path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
    const visit = (node: ts.Node): void => {
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier &&
        ts.isStringLiteral(node.moduleSpecifier)
      ) {
        const at = `${path}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
        const spec = node.moduleSpecifier.text;
        if (spec.startsWith(".")) {
          const target = posix.normalize(posix.join(posix.dirname(path), spec));
          if (target.startsWith("src/") && !isTypeOnly(node))
            out.push(
              `${at}: imports ${target} at run time (the console takes the contracts as types: import type)`,
            );
        } else {
          const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
          if (WEB_TYPE_PACKAGES.includes(name)) {
            if (!isTypeOnly(node)) out.push(`${at}: imports ${name} at run time (types only in the console)`);
          } else if (!WEB_PACKAGES.includes(name)) {
            out.push(`${at}: imports ${spec} (not a package of the console)`);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return out;
}

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

  test("web/ takes of the server only the contracts, as types, and only browser packages", () => {
    const web = readSources(root, ["web"]);
    assert.ok(
      web.length > 10,
      `scanned only ${web.length} files of web/: the checker is not reading the console`,
    );
    assert.ok(
      web.some((s) => /from "(\.\.\/)+src\/contracts\/index\.ts"/.test(s.text)),
      "the console no longer reads the contracts: is this checker still looking at the right imports?",
    );
    const violations = webViolations(web);
    assert.deepEqual(violations, [], `imports that break the console's rule:\n${violations.join("\n")}`);
  });

  test("the console's rule finds each kind of violation in an example, and only those", () => {
    const example: Source[] = [
      {
        path: "web/src/ok.tsx",
        text: [
          `import type { z } from "zod";`,
          `import type * as C from "../../src/contracts/index.ts";`,
          `import { type UserList, type UserDetail } from "../../src/contracts/index.ts";`,
          `import { Button } from "@mantine/core";`,
          `import { useState } from "react";`,
          `import { api } from "./api.ts";`,
          `export type { Me } from "../../src/contracts/index.ts";`,
        ].join("\n"),
      },
      {
        path: "web/src/bad.tsx",
        text: [
          `import { UserList } from "../../src/contracts/index.ts";`,
          `import { z } from "zod";`,
          `import Fastify from "fastify";`,
          `import { readFileSync } from "node:fs";`,
          `export { Problem } from "../../src/contracts/index.ts";`,
          `import { type A, B } from "../../src/contracts/index.ts";`,
        ].join("\n"),
      },
      // Not the console: the rule does not apply.
      { path: "src/http/app.ts", text: `import Fastify from "fastify";` },
    ];
    assert.deepEqual(webViolations(example), [
      "web/src/bad.tsx:1: imports src/contracts/index.ts at run time (the console takes the contracts as types: import type)",
      "web/src/bad.tsx:2: imports zod at run time (types only in the console)",
      "web/src/bad.tsx:3: imports fastify (not a package of the console)",
      "web/src/bad.tsx:4: imports node:fs (not a package of the console)",
      "web/src/bad.tsx:5: imports src/contracts/index.ts at run time (the console takes the contracts as types: import type)",
      "web/src/bad.tsx:6: imports src/contracts/index.ts at run time (the console takes the contracts as types: import type)",
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
