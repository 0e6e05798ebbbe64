import {
  addGroupMembers,
  type CommandContext,
  createDelegation,
  createGroup,
  createOrganization,
  createResource,
  inviteUser,
  SYSTEM_ACTOR,
  setDataFilter,
  setRules,
  updateUser,
} from "../commands/index.ts";
import {
  fail,
  type Group,
  type GroupId,
  ORGANIZATION_TYPE,
  type Organization,
  parseFilterExpression,
  type Resource,
  type RoleSpec,
  type RuleScope,
  type User,
  type UserId,
} from "../domain/index.ts";
import {
  type Actor,
  currentRevision,
  findOrganization,
  resourcesOfType,
  type Store,
} from "../store/index.ts";

/**
 * A realistic demo organization, "Acme Retail", built only through the
 * commands (so it is logged, audited and consistent like any other data):
 * ~30 users across EMEA, APAC and AMER with region and country attributes,
 * nested sales groups, analysts, finance, data engineering, contractors with
 * privileges off, apps, sites, workspaces and datasets, rules of every scope,
 * data filters, a delegation with a delegated group, a second administrator,
 * a deactivated user, and users in the system groups.
 */

export type DemoOptions = { readonly slug?: string; readonly name?: string };

export type DemoSummary = {
  readonly organization: Organization;
  readonly revision: number;
  readonly admin: User;
  readonly secondAdmin: User;
  readonly deactivated: User;
  readonly delegate: User;
  readonly users: number;
  readonly groups: readonly string[];
  readonly resources: Readonly<Record<string, readonly string[]>>;
  readonly rules: number;
  readonly filters: number;
  /** Pairs that show the engine at work, for the printed tour and for tests. */
  readonly examples: {
    readonly allowed: { user: string; type: string; resource: string; capability: string };
    readonly denied: { user: string; type: string; resource: string; capability: string };
    readonly filtered: { user: string; type: string; resource: string };
  };
};

const DOMAIN = "acme.example";

type Person = {
  first: string;
  last: string;
  region: "EMEA" | "APAC" | "AMER";
  country: string;
  department: string;
};

const PEOPLE: readonly Person[] = [
  { first: "Camille", last: "Durand", region: "EMEA", country: "France", department: "Sales" },
  { first: "Hugo", last: "Bernard", region: "EMEA", country: "France", department: "Sales" },
  { first: "Léa", last: "Petit", region: "EMEA", country: "France", department: "Sales" },
  { first: "Jonas", last: "Becker", region: "EMEA", country: "Germany", department: "Sales" },
  { first: "Mia", last: "Schneider", region: "EMEA", country: "Germany", department: "Sales" },
  { first: "Sofia", last: "Rossi", region: "EMEA", country: "Italy", department: "Sales" },
  { first: "Marco", last: "Bianchi", region: "EMEA", country: "Italy", department: "Marketing" },
  { first: "James", last: "Wilson", region: "EMEA", country: "United Kingdom", department: "Finance" },
  { first: "Emma", last: "Clarke", region: "EMEA", country: "United Kingdom", department: "Finance" },
  { first: "Lucas", last: "Moreau", region: "EMEA", country: "France", department: "Analytics" },
  { first: "Amelia", last: "White", region: "EMEA", country: "Ireland", department: "Analytics" },
  { first: "Yuki", last: "Tanaka", region: "APAC", country: "Japan", department: "Sales" },
  { first: "Haruto", last: "Sato", region: "APAC", country: "Japan", department: "Sales" },
  { first: "Chloe", last: "Nguyen", region: "APAC", country: "Australia", department: "Sales" },
  { first: "Wei", last: "Chen", region: "APAC", country: "Singapore", department: "Analytics" },
  { first: "Priya", last: "Sharma", region: "APAC", country: "India", department: "Data engineering" },
  { first: "Arjun", last: "Patel", region: "APAC", country: "India", department: "Data engineering" },
  { first: "Liam", last: "O'Brien", region: "APAC", country: "Australia", department: "Contractor" },
  { first: "Noah", last: "Johnson", region: "AMER", country: "United States", department: "IT" },
  { first: "Ava", last: "Williams", region: "AMER", country: "United States", department: "Sales" },
  { first: "Ethan", last: "Brown", region: "AMER", country: "United States", department: "Sales" },
  { first: "Isabella", last: "Garcia", region: "AMER", country: "Mexico", department: "Sales" },
  { first: "Henry", last: "Jackson", region: "AMER", country: "United States", department: "Sales" },
  { first: "Mason", last: "Davis", region: "AMER", country: "United States", department: "Finance" },
  { first: "Sophia", last: "Miller", region: "AMER", country: "Canada", department: "Analytics" },
  { first: "Benjamin", last: "Lee", region: "AMER", country: "Canada", department: "Data engineering" },
  { first: "Charlotte", last: "Taylor", region: "AMER", country: "United States", department: "Marketing" },
  { first: "Daniel", last: "Anderson", region: "AMER", country: "United States", department: "Contractor" },
  { first: "Grace", last: "Thomas", region: "AMER", country: "United States", department: "People" },
];

/** `first.last@acme.example`, without accents or apostrophes. */
export function demoEmail(first: string, last: string): string {
  const part = (s: string) =>
    s
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[^A-Za-z]/g, "")
      .toLowerCase();
  return `${part(first)}.${part(last)}@${DOMAIN}`;
}

const RESOURCES: Readonly<Record<string, readonly [key: string, name: string][]>> = {
  app: [
    ["sales-dashboard", "Sales Dashboard"],
    ["finance-reporting", "Finance Reporting"],
    ["marketing-insights", "Marketing Insights"],
    ["executive-overview", "Executive Overview"],
    ["supply-chain", "Supply Chain Planner"],
  ],
  site: [
    ["acme-com", "acme.com"],
    ["shop-acme-com", "shop.acme.com"],
    ["acme-fr", "acme.fr"],
    ["acme-de", "acme.de"],
    ["acme-co-jp", "acme.co.jp"],
  ],
  workspace: [
    ["global-sales", "Global Sales"],
    ["finance", "Finance"],
    ["marketing", "Marketing"],
    ["data-platform", "Data Platform"],
  ],
  dataset: [
    ["orders", "Orders"],
    ["customers", "Customers"],
    ["revenue", "Revenue"],
    ["web-sessions", "Web Sessions"],
    ["inventory", "Inventory"],
  ],
};

/** Creates the demo organization; refuses when the slug is taken. */
export async function createDemoOrganization(store: Store, options: DemoOptions = {}): Promise<DemoSummary> {
  const slug = options.slug ?? "demo";
  const existing = await findOrganization(store.db, slug);
  if (existing) {
    fail(
      "organization.slug_taken",
      `An organization with the slug "${slug}" exists already (${existing.name}): ` +
        "use it as it is, or make another demo with --slug <slug>.",
    );
  }
  const created = await createOrganization(
    store,
    {
      name: options.name ?? "Acme Retail",
      slug,
      plan: "enterprise",
      admin: { email: `olivia.martin@${DOMAIN}`, firstName: "Olivia", lastName: "Martin" },
    },
    SYSTEM_ACTOR,
  );
  const { organization, groups: system } = created.value;
  let admin = created.value.admin;
  const actor: Actor = { kind: "user", id: admin.id, label: admin.email };
  const ctx: CommandContext = {
    store,
    orgId: organization.id,
    actor,
    authority: { kind: "owner" },
    requestId: "demo",
  };
  admin = (
    await updateUser(ctx, admin.id, {
      attributes: { region: ["EMEA"], country: ["United Kingdom"], department: ["Executive"] },
    })
  ).value.user;

  // -- the catalog's resources
  const res = new Map<string, Resource>();
  for (const [type, list] of Object.entries(RESOURCES)) {
    for (const [key, name] of list) {
      res.set(`${type}/${key}`, (await createResource(ctx, { type, key, name })).value.resource);
    }
  }
  const r = (type: string, key: string) => res.get(`${type}/${key}`)!.id;

  // -- people
  const users = new Map<string, User>();
  for (const p of PEOPLE) {
    const { user } = (
      await inviteUser(ctx, {
        email: demoEmail(p.first, p.last),
        firstName: p.first,
        lastName: p.last,
        externalId: `okta-${demoEmail(p.first, p.last).split("@")[0]}`,
        attributes: { region: [p.region], country: [p.country], department: [p.department] },
        ...(p.first === "Noah" && { role: "admin" as const }),
      })
    ).value;
    users.set(
      p.first
        .toLowerCase()
        .normalize("NFD")
        .replace(/[\u0300-\u036f]/g, ""),
      user,
    );
  }
  const u = (...firsts: string[]): UserId[] => firsts.map((f) => users.get(f)!.id);

  // -- groups, nested: Sales > Sales EMEA > Sales France / Sales Germany ...
  const group = async (
    name: string,
    description: string,
    members: { users?: UserId[]; groups?: GroupId[] },
    extra: { privileges?: boolean; notify?: "none" | "email" } = {},
  ): Promise<Group> =>
    (
      await createGroup(ctx, {
        name,
        description,
        userIds: members.users ?? [],
        groupIds: members.groups ?? [],
        ...extra,
      })
    ).value.group;
  const salesFrance = await group("Sales France", "Account managers for France.", {
    users: u("camille", "hugo", "lea"),
  });
  const salesGermany = await group("Sales Germany", "Account managers for Germany and Austria.", {
    users: u("jonas", "mia"),
  });
  const salesEmea = await group("Sales EMEA", "Sales in Europe, the Middle East and Africa.", {
    users: u("sofia"),
    groups: [salesFrance.id, salesGermany.id],
  });
  const salesApac = await group("Sales APAC", "Sales in Asia and the Pacific.", {
    users: u("yuki", "haruto", "chloe"),
  });
  const salesAmer = await group("Sales AMER", "Sales in the Americas.", {
    users: u("ava", "ethan", "isabella", "henry"),
  });
  const sales = await group("Sales", "Everyone in sales, worldwide.", {
    groups: [salesEmea.id, salesApac.id, salesAmer.id],
  });
  const analysts = await group("Analysts", "Business analysts across regions.", {
    users: u("lucas", "amelia", "wei", "sophia"),
  });
  const finance = await group(
    "Finance team",
    "Controllers and FP&A; notified by email of access changes.",
    { users: u("james", "emma", "mason") },
    { notify: "email" },
  );
  const dataEng = await group("Data engineering", "Builds and runs the data platform.", {
    users: u("priya", "arjun", "benjamin"),
  });
  const marketing = await group("Marketing", "Brand, web and campaigns.", { users: u("charlotte", "marco") });
  const contractors = await group(
    "Contractors",
    "External consultants: privileges off until their contracts are renewed.",
    { users: u("liam", "daniel") },
    { privileges: false },
  );

  // -- users in the system groups
  await addGroupMembers(ctx, system.report_consumers!.id, {
    userIds: u("charlotte", "amelia", "wei"),
    groupIds: [sales.id],
  });
  await addGroupMembers(ctx, system.report_builders!.id, { userIds: u("mason", "sophia") });
  await addGroupMembers(ctx, system.power_users!.id, { userIds: u("benjamin") });
  await addGroupMembers(ctx, system.database_managers!.id, { userIds: u("arjun") });

  // -- rules, of every scope
  let rules = 0;
  const rule = async (subject: Group | User, role: RoleSpec, scope: RuleScope, closeDependencies = false) => {
    const out = await setRules(ctx, {
      subject: "email" in subject ? { kind: "user", id: subject.id } : { kind: "group", id: subject.id },
      role,
      scope,
      closeDependencies,
    });
    rules += out.value.rules.length;
  };
  const one = (type: string, key: string): RuleScope => ({ kind: "resource", resourceId: r(type, key) });
  const list = (type: string, ...keys: string[]): RuleScope => ({
    kind: "resources",
    resourceIds: keys.map((k) => r(type, k)),
  });
  const allCurrent = (type: string): RuleScope => ({ kind: "all_current", type });
  const allFuture = (type: string): RuleScope => ({ kind: "all_current_and_future", type });

  await rule(sales, { role: "Reader" }, list("app", "sales-dashboard", "executive-overview"));
  await rule(salesEmea, { role: "Viewer" }, one("dataset", "orders"));
  await rule(salesApac, { role: "Viewer" }, one("dataset", "orders"));
  await rule(salesAmer, { role: "Viewer" }, one("dataset", "orders"));
  await rule(salesFrance, { role: "Viewer" }, one("dataset", "customers"));
  await rule(salesGermany, { role: "Viewer" }, one("dataset", "customers"));
  await rule(salesFrance, { role: "Document reader" }, one("site", "acme-fr"));
  await rule(analysts, { role: "Analyst" }, allCurrent("site"));
  await rule(analysts, { role: "Writer" }, one("app", "sales-dashboard"));
  await rule(analysts, { role: "Viewer" }, allFuture("dataset"));
  await rule(finance, { role: "Writer" }, one("app", "finance-reporting"));
  await rule(finance, { role: "Reader" }, one("app", "executive-overview"));
  await rule(finance, { role: "Viewer" }, list("dataset", "revenue", "orders"));
  await rule(finance, { role: "Report builder" }, one("workspace", "finance"));
  await rule(dataEng, { role: "Dataset designer" }, allFuture("workspace"));
  await rule(dataEng, { role: "Viewer" }, allFuture("dataset"));
  await rule(dataEng, { role: "Advanced analyst" }, list("site", "acme-com", "shop-acme-com"));
  await rule(marketing, { role: "Writer" }, one("app", "marketing-insights"));
  await rule(marketing, { role: "Business user" }, allFuture("site"));
  await rule(marketing, { role: "Viewer" }, one("dataset", "web-sessions"));
  // Kept, but not applied while the group's privileges are off.
  await rule(contractors, { role: "Reader" }, one("app", "supply-chain"));
  await rule(contractors, { capabilities: ["read_data", "setup_tagging"] }, one("site", "shop-acme-com"));
  // Individual rules.
  await rule(users.get("charlotte")!, { role: "Manager" }, one("app", "marketing-insights"));
  await rule(users.get("mason")!, { role: "Manager" }, one("app", "finance-reporting"));
  await rule(users.get("chloe")!, { capabilities: ["handle_data"] }, one("site", "acme-co-jp"), true);
  const [orgResource] = await resourcesOfType(store.db, organization.id, ORGANIZATION_TYPE);
  await rule(
    users.get("grace")!,
    { role: "User manager" },
    { kind: "resource", resourceId: orgResource!.id },
  );
  await rule(dataEng, { role: "Data supervisor" }, { kind: "resource", resourceId: orgResource!.id });

  // -- data filters (row-level security on datasets)
  const filters: [Group, string, string][] = [
    [salesEmea, "orders", "region = {{user.region}}"],
    [salesApac, "orders", "region = {{user.region}}"],
    [salesAmer, "orders", "region = AMER and country in ({{user.country}})"],
    [salesFrance, "customers", "country in (France)"],
    [salesGermany, "customers", "country in (Germany, Austria)"],
    [finance, "orders", "region in (EMEA, AMER) or channel = wholesale"],
  ];
  for (const [holder, dataset, text] of filters) {
    await setDataFilter(ctx, {
      subject: { kind: "group", id: holder.id },
      resourceId: r("dataset", dataset),
      predicate: parseFilterExpression(text),
    });
  }

  // -- a delegation: Marco runs the European sites and made a group for them
  const marco = users.get("marco")!;
  const { delegation } = (
    await createDelegation(ctx, { userId: marco.id, scope: list("site", "acme-fr", "acme-de") })
  ).value;
  const delegateCtx: CommandContext = {
    ...ctx,
    actor: { kind: "user", id: marco.id, label: marco.email },
    authority: { kind: "delegate", delegationId: delegation.id },
  };
  const webTeam = (
    await createGroup(delegateCtx, {
      name: "European web team",
      description: "Editors of the French and German sites (delegated to Marco Bianchi).",
      userIds: u("marco", "jonas", "lucas"),
    })
  ).value.group;
  const delegated = await setRules(delegateCtx, {
    subject: { kind: "group", id: webTeam.id },
    role: { role: "Business user" },
    scope: list("site", "acme-fr", "acme-de"),
  });
  rules += delegated.value.rules.length;

  // -- Henry left: deactivated, his record and memberships kept
  const henry = (await updateUser(ctx, users.get("henry")!.id, { status: "deactivated" })).value.user;

  const groups = [
    ...Object.values(system).map((g) => g.name),
    ...[
      sales,
      salesEmea,
      salesFrance,
      salesGermany,
      salesApac,
      salesAmer,
      analysts,
      finance,
      dataEng,
      marketing,
      contractors,
      webTeam,
    ].map((g) => g.name),
  ];
  return {
    organization,
    revision: await currentRevision(store.db, organization.id),
    admin,
    secondAdmin: users.get("noah")!,
    deactivated: henry,
    delegate: marco,
    users: PEOPLE.length + 1,
    groups,
    resources: Object.fromEntries(Object.entries(RESOURCES).map(([t, l]) => [t, l.map(([, name]) => name)])),
    rules,
    filters: filters.length,
    examples: {
      allowed: {
        user: users.get("camille")!.email,
        type: "app",
        resource: "sales-dashboard",
        capability: "view",
      },
      denied: { user: users.get("daniel")!.email, type: "app", resource: "supply-chain", capability: "view" },
      filtered: { user: users.get("camille")!.email, type: "dataset", resource: "orders" },
    },
  };
}
