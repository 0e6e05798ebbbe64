import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CompiledType,
  capabilitiesOf,
  closeMask,
  compileType,
  customRoleMask,
  DEFAULT_CATALOG,
  highestNamedRole,
  MAX_CAPABILITIES,
  maskOf,
  namedRoleEqualTo,
  type ResourceTypeDef,
  RosterError,
  SYSTEM_GROUPS,
  summarize,
  validateResourceType,
} from "../../src/domain/index.ts";

function typeOf(key: string): CompiledType {
  const def = DEFAULT_CATALOG.find((t) => t.key === key);
  assert.ok(def, `no type ${key} in the default catalog`);
  return compileType(def);
}

const mask = (type: CompiledType, ...capabilities: string[]) => maskOf(type, capabilities);

/** Asserts a RosterError with this code (and, when given, a message matching `message`). */
function assertFails(run: () => unknown, code: string, message?: RegExp): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof RosterError, `expected a RosterError, got ${e}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/** PRODUCT.md, Resource types: the table, transcribed. Role capabilities are compared as sets. */
const TABLE: {
  type: string;
  capabilities: [string, string[]][];
  roles: [string, string[]][];
}[] = [
  {
    type: "app",
    capabilities: [
      ["view", []],
      ["edit", []],
      ["manage", []],
    ],
    roles: [
      ["Reader", ["view"]],
      ["Writer", ["view", "edit"]],
      ["Manager", ["view", "edit", "manage"]],
    ],
  },
  {
    type: "site",
    capabilities: [
      ["read_data", []],
      ["explore_data", ["read_data"]],
      ["handle_data", ["explore_data"]],
      ["setup_tagging", []],
      ["manage_data_flows", []],
      ["configure_solution", []],
    ],
    roles: [
      ["Document reader", ["read_data"]],
      ["Business user", ["read_data", "explore_data"]],
      ["Analyst", ["read_data", "explore_data", "handle_data"]],
      [
        "Advanced analyst",
        [
          "read_data",
          "explore_data",
          "handle_data",
          "setup_tagging",
          "manage_data_flows",
          "configure_solution",
        ],
      ],
    ],
  },
  {
    type: "workspace",
    capabilities: [
      ["read_reports", []],
      ["read_data", []],
      ["write_reports", ["read_reports"]],
      ["write_data", ["read_data"]],
      ["manage_databases", []],
      ["edit_schemas", ["manage_databases"]],
    ],
    roles: [
      ["Report consumer", ["read_reports", "read_data"]],
      ["Report builder", ["read_reports", "read_data", "write_reports"]],
      ["Database manager", ["read_data", "manage_databases"]],
      ["Dataset designer", ["read_data", "write_data", "manage_databases", "edit_schemas"]],
      ["Power user", ["read_reports", "write_reports", "read_data", "write_data"]],
    ],
  },
  {
    type: "dataset",
    capabilities: [["query", []]],
    roles: [["Viewer", ["query"]]],
  },
  {
    type: "organization",
    capabilities: [
      ["edit_data_model", []],
      ["manage_users", []],
      ["manage_groups", []],
    ],
    roles: [
      ["Data supervisor", ["edit_data_model"]],
      ["User manager", ["manage_users"]],
      ["Group manager", ["manage_groups"]],
    ],
  },
];

describe("the default catalog", () => {
  test("new organizations get exactly the types of PRODUCT.md's table, in its order", () => {
    assert.deepEqual(
      DEFAULT_CATALOG.map((t) => t.key),
      TABLE.map((t) => t.type),
    );
  });

  for (const expected of TABLE) {
    test(`${expected.type}: capabilities and what each requires are those of the table, in its order`, () => {
      const def = DEFAULT_CATALOG.find((t) => t.key === expected.type)!;
      assert.deepEqual(
        def.capabilities.map((c) => [c.key, [...c.requires]]),
        expected.capabilities,
      );
    });

    test(`${expected.type}: named roles are those of the table, ordered from least to most`, () => {
      const def = DEFAULT_CATALOG.find((t) => t.key === expected.type)!;
      assert.deepEqual(
        def.roles.map((r) => r.name),
        expected.roles.map(([name]) => name),
      );
      for (const [name, capabilities] of expected.roles) {
        const role = def.roles.find((r) => r.name === name)!;
        assert.deepEqual([...role.capabilities].sort(), [...capabilities].sort(), `capabilities of ${name}`);
      }
    });
  }

  test("every type of the default catalog is valid: each named role already holds what its capabilities require", () => {
    for (const def of DEFAULT_CATALOG) {
      assert.doesNotThrow(() => validateResourceType(def), def.key);
      const type = compileType(def);
      for (const role of type.roles) assert.equal(closeMask(type, role.mask), role.mask, role.name);
    }
  });

  test("role names are unique across the catalog, so a role is known by its name", () => {
    const names = DEFAULT_CATALOG.flatMap((t) => t.roles.map((r) => r.name.toLowerCase()));
    assert.equal(new Set(names).size, names.length);
  });

  test("each workspace system group's role is a named workspace role", () => {
    const workspace = typeOf("workspace");
    const roles = SYSTEM_GROUPS.flatMap((g) => (g.workspaceRole ? [g.workspaceRole] : []));
    assert.equal(roles.length, 5);
    for (const r of roles)
      assert.ok(
        workspace.roles.some((x) => x.name === r),
        r,
      );
  });
});

describe("capability dependencies", () => {
  const site = typeOf("site");
  const workspace = typeOf("workspace");

  test("explore_data cannot be granted without read_data", () => {
    assertFails(
      () => customRoleMask(site, ["explore_data"], false),
      "capability.missing_dependency",
      /explore_data cannot be granted without read_data/,
    );
  });

  test("the refusal names every missing capability, transitively (handle_data needs explore_data and read_data)", () => {
    assert.throws(
      () => customRoleMask(site, ["handle_data"], false),
      (e: unknown) => {
        assert.ok(e instanceof RosterError);
        assert.equal(e.code, "capability.missing_dependency");
        assert.equal(e.kind, "validation");
        assert.deepEqual(e.details, { missing: ["read_data", "explore_data"], type: "site" });
        return true;
      },
    );
  });

  test("a custom role with the closure applied gains what its capabilities require, transitively", () => {
    assert.equal(
      customRoleMask(site, ["handle_data"], true),
      mask(site, "read_data", "explore_data", "handle_data"),
    );
    assert.equal(
      customRoleMask(workspace, ["edit_schemas", "write_reports"], true),
      mask(workspace, "edit_schemas", "manage_databases", "write_reports", "read_reports"),
    );
  });

  test("a custom role that already holds its dependencies is accepted as it is", () => {
    const caps = ["read_data", "explore_data", "setup_tagging"];
    assert.equal(customRoleMask(site, caps, false), mask(site, ...caps));
  });

  test("capabilities without dependencies are granted alone (setup_tagging, manage_databases)", () => {
    assert.equal(customRoleMask(site, ["setup_tagging"], false), mask(site, "setup_tagging"));
    assert.equal(customRoleMask(workspace, ["manage_databases"], false), mask(workspace, "manage_databases"));
  });

  test("a custom role needs at least one capability", () => {
    assertFails(() => customRoleMask(site, [], true), "role.invalid");
  });

  test("a capability the type does not declare is refused", () => {
    assertFails(() => customRoleMask(site, ["read_data", "fly"], true), "capability.unknown", /fly/);
    assertFails(() => maskOf(site, ["view"]), "capability.unknown");
  });

  test("capabilities are reported in catalog order, whatever the order asked", () => {
    assert.deepEqual(capabilitiesOf(site, mask(site, "configure_solution", "read_data", "explore_data")), [
      "read_data",
      "explore_data",
      "configure_solution",
    ]);
  });
});

describe("highest named role of a set of capabilities", () => {
  const app = typeOf("app");
  const site = typeOf("site");
  const workspace = typeOf("workspace");
  const organization = typeOf("organization");

  test("the highest named role is the one with the most capabilities the set contains whole", () => {
    assert.equal(highestNamedRole(app, mask(app, "view", "edit"))?.name, "Writer");
    assert.equal(
      highestNamedRole(site, mask(site, "read_data", "explore_data", "handle_data"))?.name,
      "Analyst",
    );
    // Database manager (2) is contained, Dataset designer (4) is not whole: the contained one wins.
    assert.equal(
      highestNamedRole(workspace, mask(workspace, "read_data", "manage_databases", "edit_schemas"))?.name,
      "Database manager",
    );
  });

  test("ties go to the later role in the list", () => {
    // Data supervisor and User manager both have one capability: User manager comes later.
    assert.equal(
      highestNamedRole(organization, mask(organization, "edit_data_model", "manage_users"))?.name,
      "User manager",
    );
    // The whole workspace contains Dataset designer and Power user, four capabilities each.
    assert.equal(highestNamedRole(workspace, workspace.allMask)?.name, "Power user");
  });

  test("a set equal to a named role is reported as that role, not custom", () => {
    assert.deepEqual(summarize(site, mask(site, "read_data", "explore_data")), {
      capabilities: ["read_data", "explore_data"],
      role: "Business user",
      custom: false,
    });
    assert.deepEqual(summarize(app, app.allMask), {
      capabilities: ["view", "edit", "manage"],
      role: "Manager",
      custom: false,
    });
  });

  test("a set exceeding every role it contains is reported as custom", () => {
    assert.deepEqual(
      summarize(site, mask(site, "read_data", "explore_data", "handle_data", "setup_tagging")),
      {
        capabilities: ["read_data", "explore_data", "handle_data", "setup_tagging"],
        role: "Analyst",
        custom: true,
      },
    );
    assert.deepEqual(summarize(workspace, workspace.allMask), {
      capabilities: [
        "read_reports",
        "read_data",
        "write_reports",
        "write_data",
        "manage_databases",
        "edit_schemas",
      ],
      role: "Power user",
      custom: true,
    });
  });

  test("no capability at all is no access, not a custom role", () => {
    assert.deepEqual(summarize(app, 0), { capabilities: [], role: null, custom: false });
  });

  test("a set containing no named role is reported as custom with its capabilities", () => {
    assert.deepEqual(summarize(app, mask(app, "edit", "manage")), {
      capabilities: ["edit", "manage"],
      role: null,
      custom: true,
    });
    // Report consumer also needs read_data.
    assert.deepEqual(summarize(workspace, mask(workspace, "read_reports", "write_reports")), {
      capabilities: ["read_reports", "write_reports"],
      role: null,
      custom: true,
    });
  });
});

describe("custom roles", () => {
  const site = typeOf("site");
  const app = typeOf("app");
  const workspace = typeOf("workspace");

  test("a custom role equal to a named role says so (handle_data, closed, is Analyst)", () => {
    assert.equal(namedRoleEqualTo(site, customRoleMask(site, ["handle_data"], true)), "Analyst");
    assert.equal(namedRoleEqualTo(app, customRoleMask(app, ["edit", "view"], false)), "Writer");
    assert.equal(
      namedRoleEqualTo(workspace, customRoleMask(workspace, ["write_reports", "read_data"], true)),
      "Report builder",
    );
  });

  test("a custom role equal to no named role says none", () => {
    assert.equal(namedRoleEqualTo(site, customRoleMask(site, ["setup_tagging"], true)), null);
    // Contains Reader but is not equal to it.
    assert.equal(namedRoleEqualTo(app, mask(app, "view", "manage")), null);
  });
});

describe("validating a resource type", () => {
  const base: ResourceTypeDef = {
    key: "notebook",
    label: "Notebook",
    capabilities: [
      { key: "open", label: "Open", requires: [] },
      { key: "run", label: "Run", requires: ["open"] },
    ],
    roles: [
      { name: "Opener", capabilities: ["open"] },
      { name: "Runner", capabilities: ["open", "run"] },
    ],
  };
  const invalid = (def: ResourceTypeDef, message: RegExp) =>
    assertFails(() => validateResourceType(def), "resource_type.invalid", message);

  test("a well-formed type is accepted", () => {
    assert.doesNotThrow(() => validateResourceType(base));
  });

  test("type and capability keys are lower-case identifiers", () => {
    invalid({ ...base, key: "Note book" }, /type key/);
    invalid(
      { ...base, capabilities: [{ key: "Open", label: "Open", requires: [] }], roles: [] },
      /Bad capability key/,
    );
  });

  test(`a type has between 1 and ${MAX_CAPABILITIES} capabilities`, () => {
    invalid({ ...base, capabilities: [], roles: [] }, /between 1 and 31/);
    const many = Array.from({ length: MAX_CAPABILITIES + 1 }, (_, i) => ({
      key: `c${i}`,
      label: `C${i}`,
      requires: [],
    }));
    invalid({ ...base, capabilities: many, roles: [] }, /between 1 and 31/);
    assert.doesNotThrow(() => validateResourceType({ ...base, capabilities: many.slice(1), roles: [] }));
  });

  test("a capability is declared once", () => {
    invalid(
      { ...base, capabilities: [...base.capabilities, { key: "open", label: "Again", requires: [] }] },
      /twice/,
    );
  });

  test("a capability requires only declared capabilities", () => {
    invalid(
      { ...base, capabilities: [{ key: "open", label: "Open", requires: ["nothing"] }], roles: [] },
      /requires unknown "nothing"/,
    );
  });

  test("a capability cannot depend on itself, directly or through others", () => {
    invalid(
      {
        ...base,
        capabilities: [
          { key: "a", label: "A", requires: ["b"] },
          { key: "b", label: "B", requires: ["a"] },
        ],
        roles: [],
      },
      /depends on itself/,
    );
    invalid(
      { ...base, capabilities: [{ key: "a", label: "A", requires: ["a"] }], roles: [] },
      /depends on itself/,
    );
  });

  test("a named role holds what its capabilities require", () => {
    invalid({ ...base, roles: [{ name: "Runner", capabilities: ["run"] }] }, /"Runner" lacks a capability/);
  });

  test("role names are unique within a type, compared case-insensitively, and not blank", () => {
    invalid(
      {
        ...base,
        roles: [
          { name: "Opener", capabilities: ["open"] },
          { name: "opener", capabilities: ["open", "run"] },
        ],
      },
      /declared twice/,
    );
    invalid({ ...base, roles: [{ name: "  ", capabilities: ["open"] }] }, /name of 1 to 80/);
  });

  test("a named role with a capability the type does not declare is refused", () => {
    assert.throws(
      () => validateResourceType({ ...base, roles: [{ name: "Flyer", capabilities: ["fly"] }] }),
      (e: unknown) => e instanceof RosterError && e.kind === "validation",
    );
  });
});
