import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ERROR_CODES } from "../../src/domain/index.ts";
import type { Explanation } from "../../web/src/api.ts";
import { type AccessNode, buildAccessTree } from "../../web/src/components/access-tree.ts";
import { DETAIL, sentenceFor, WORDING } from "../../web/src/errors.ts";
import { formatAttributes, parseAttributes } from "../../web/src/pages/users/attributes.ts";

/** The console's pure parts: the wording of API errors, and attributes as text. */
describe("console: errors as sentences", () => {
  test("every stable error code of the server has a wording in the console", () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !(code in WORDING));
    assert.deepEqual(missing, [], "codes the console does not word (web/src/errors.ts)");
  });

  test("a code worded by the console replaces a detail written for developers", () => {
    assert.equal(
      sentenceFor({ status: 403, code: "auth.csrf", detail: "Missing or wrong X-CSRF-Token header." }),
      "Your session could not be confirmed: reload the page and try again.",
    );
    assert.equal(
      sentenceFor({ status: 409, code: "admin.last_administrator", detail: "whatever the server said" }),
      "This would leave the organization without an active administrator: make someone else an administrator first.",
    );
    assert.equal(
      sentenceFor({ status: 400, code: "request.invalid", detail: "Invalid request: /email must be string" }),
      "Some of what you entered is not valid: check the form and try again.",
    );
    assert.match(
      sentenceFor({ status: 500, code: "internal.error", detail: "x", requestId: "req-42" }),
      /quote request req-42/,
    );
  });

  test("a code whose detail names what is wrong keeps the server's sentence", () => {
    assert.equal(WORDING["group.cycle"], DETAIL);
    const detail = "Finance cannot be nested in Sales: Sales is already inside it.";
    assert.equal(sentenceFor({ status: 409, code: "group.cycle", detail }), detail);
    assert.equal(
      sentenceFor({
        status: 400,
        code: "request.invalid",
        detail: "A password needs at least 10 characters.",
      }),
      "A password needs at least 10 characters.",
    );
  });

  test("an unknown code falls back to the detail, then to the status", () => {
    assert.equal(sentenceFor({ status: 418, code: "tea.pot", detail: "I am a teapot." }), "I am a teapot.");
    assert.equal(sentenceFor({ status: 502, code: "" }), "The server refused the request (502).");
  });
});

describe("console: user attributes as text", () => {
  test("one attribute per line, values separated by commas, round trip", () => {
    const parsed = parseAttributes("region: EMEA, APAC\n\n  team : sales ,\ncountry:France");
    assert.deepEqual(parsed, {
      attributes: { region: ["EMEA", "APAC"], team: ["sales"], country: ["France"] },
    });
    if (!("attributes" in parsed)) throw new Error("unreachable");
    assert.deepEqual(parseAttributes(formatAttributes(parsed.attributes)), parsed);
    assert.deepEqual(parseAttributes(""), { attributes: {} });
  });

  test("a line that is not `name: values` is refused with its number", () => {
    assert.deepEqual(parseAttributes("region: EMEA\nregion EMEA"), {
      error: 'Line 2 is not "name: value, value" (a name is letters, digits, _, . or -).',
    });
    assert.ok("error" in parseAttributes("9lives: yes"));
  });
});

describe("console: the access path drawn as a tree", () => {
  const g = (id: string) => ({ id, name: id.toUpperCase() });
  const shape = (n: AccessNode): unknown =>
    n.children.length === 0 ? n.label : { [n.label]: n.children.map(shape) };

  test("paths that share groups share branches; a user's own rule hangs on the user; the role is a leaf", () => {
    const explanation: Explanation = {
      capabilities: ["view", "edit", "manage"],
      role: "Manager",
      custom: false,
      truncated: false,
      revision: 7,
      contributions: [
        {
          kind: "organization_role",
          role: "admin",
          path: [g("admins")],
          text: "a@x -> ADMINS: admin of the organization",
        },
        {
          kind: "rule",
          role: "Writer",
          ruleId: "r1",
          capabilities: ["view", "edit"],
          holder: { kind: "group", id: "emea", name: "EMEA" },
          path: [g("analysts"), g("emea")],
          text: "a@x -> ANALYSTS -> EMEA: Writer on Finance",
        },
        {
          kind: "rule",
          role: "Reader",
          ruleId: "r2",
          capabilities: ["view"],
          holder: { kind: "group", id: "analysts", name: "ANALYSTS" },
          path: [g("analysts")],
          text: "a@x -> ANALYSTS: Reader on all apps",
        },
        {
          kind: "rule",
          role: "Reader",
          ruleId: "r3",
          capabilities: ["view"],
          holder: { kind: "user", id: "u1", name: "a@x" },
          path: [],
          text: "a@x: Reader on Finance",
        },
      ],
    };
    const tree = buildAccessTree("Alice", explanation);
    assert.deepEqual(shape(tree), {
      Alice: [
        { ADMINS: ["admin of the organization"] },
        { ANALYSTS: [{ EMEA: ["Writer on Finance"] }, "Reader on all apps"] },
        "Reader on Finance",
      ],
    });
    const leaf = tree.children[1]!.children[0]!.children[0]!;
    assert.deepEqual(
      [leaf.kind, leaf.detail, leaf.capabilities],
      ["grant", "a rule of EMEA", ["view", "edit"]],
    );
    assert.equal(tree.children[2]!.detail, "a rule of the user's own");
    assert.equal(tree.children[0]!.children[0]!.detail, "every capability, as an administrator");
  });
});
