import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import ts from "typescript";

/**
 * The layer rules of ARCHITECTURE.md as data, and a checker that reads every
 * import of src/ and web/ with TypeScript's own parser (so an import written
 * in a comment or a string is not one, and one spread over lines is).
 *
 * A layer is a folder of src/ (`src/store`), `web`, or the composition root
 * `src/main.ts`. A layer may import itself and what its row lists; an import
 * from another src/ layer must go through that layer's index.ts.
 */
export const MAY_IMPORT: Readonly<Record<string, readonly string[] | "anything">> = {
  "src/domain": [],
  "src/store": ["src/domain"],
  "src/access": ["src/domain", "src/store"],
  "src/commands": ["src/domain", "src/store"],
  "src/queries": ["src/domain", "src/store"],
  // The table says store; store's types are domain types, so domain too.
  "src/notify": ["src/domain", "src/store"],
  "src/contracts": [],
  "src/http": ["src/commands", "src/queries", "src/access", "src/contracts", "src/domain"],
  "src/cli": [
    "src/http",
    "src/commands",
    "src/queries",
    "src/access",
    "src/store",
    "src/domain",
    "src/contracts",
    "src/notify",
  ],
  "src/main.ts": "anything",
  web: ["src/contracts"],
};

/** Packages a layer may import, where the table restricts them (contracts: "zod only"). */
export const MAY_IMPORT_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  "src/contracts": ["zod"],
};

export type Source = { readonly path: string; readonly text: string };

export type Import = { readonly line: number; readonly specifier: string | null };

/** The layer a repository-relative path belongs to: `src/store`, `src/main.ts`, `web`, or its top folder. */
export function layerOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] === "src") return parts.length === 2 ? path : `src/${parts[1]}`;
  return parts[0] ?? path;
}

/**
 * Every module specifier of a file: static imports and re-exports (type-only
 * ones too), `import x = require()`, `import()` calls and `import("...")`
 * types, and `require()` calls. A computed `import(expr)` gives `null`.
 */
export function importsOf(path: string, text: string): Import[] {
  const kind = path.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: string | null) =>
    found.push({ line: file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1, specifier });
  const literal = (node: ts.Node | undefined): string | null =>
    node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null;

  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      add(node, literal(node.moduleSpecifier));
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, literal(node.moduleReference.expression));
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, literal(node.argument.literal));
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword) {
        add(node, literal(node.arguments[0]));
      } else if (
        ts.isIdentifier(callee) &&
        callee.text === "require" &&
        literal(node.arguments[0]) !== null
      ) {
        add(node, literal(node.arguments[0]));
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * The violations among `sources` (repository-relative posix paths), one line
 * each: `file:line: imports target (why)`. Empty when the layering holds.
 */
export function checkLayers(sources: Iterable<Source>): string[] {
  const violations: string[] = [];
  for (const { path, text } of sources) {
    const from = layerOf(path);
    const allowed = MAY_IMPORT[from];
    if (allowed === undefined) {
      violations.push(`${path}: ${from} is not a layer of ARCHITECTURE.md (add it to the table first)`);
      continue;
    }
    for (const { line, specifier } of importsOf(path, text)) {
      const at = `${path}:${line}`;
      if (specifier === null) {
        violations.push(`${at}: imports a computed specifier (import() must name its module to be checked)`);
        continue;
      }
      if (!specifier.startsWith(".")) {
        const packages = MAY_IMPORT_PACKAGES[from];
        const name = packageName(specifier);
        if (packages && !packages.includes(name)) {
          violations.push(`${at}: imports ${specifier} (layer ${from} may not import package ${name})`);
        }
        continue;
      }
      const target = posix.normalize(posix.join(posix.dirname(path), specifier.replace(/[?#].*$/, "")));
      const to = target.startsWith("../") ? "(outside the repository)" : layerOf(target);
      if (to === from) continue;
      if (allowed !== "anything" && !allowed.includes(to)) {
        violations.push(`${at}: imports ${target} (layer ${from} may not import layer ${to})`);
      } else if (
        to.startsWith("src/") &&
        target !== to &&
        !/^index\.(ts|tsx|js)$/.test(target.slice(to.length + 1))
      ) {
        violations.push(`${at}: imports ${target} (layer ${from} must import ${to} through ${to}/index.ts)`);
      }
    }
  }
  return violations;
}

/** The .ts/.tsx files under `folders` of `root`, with repository-relative posix paths. */
export function readSources(root: string, folders: readonly string[]): Source[] {
  const out: Source[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name)) {
        out.push({ path: relative(root, full).split(sep).join("/"), text: readFileSync(full, "utf8") });
      }
    }
  };
  for (const folder of folders) {
    const dir = join(root, folder);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      // web/ does not exist yet: nothing to read.
    }
    if (isDir) walk(dir);
  }
  return out;
}
