import { z } from "zod";
import { Delegation, Id, Role, RoleSpec, Rule, Scope, Subject } from "./common.ts";

/** Rules (grants), the per-resource permissions page, data filters and delegations. */

const Cursor = z.string().max(1000).optional().describe("`nextCursor` of the previous page");
const PageLimit = z.coerce.number().int().min(1).max(500).default(50);
const NextCursor = z.string().nullable().describe("Pass as `cursor` for the next page; null on the last one");

export const RuleStatus = z.enum(["created", "replaced", "unchanged"]);

export const SetRulesBody = z.object({
  subject: Subject,
  role: RoleSpec,
  scope: Scope,
  closeDependencies: z
    .boolean()
    .optional()
    .describe("With a set of capabilities: add what they require instead of refusing"),
});

export const SetRulesResult = z.object({
  rules: z.array(z.object({ rule: Rule, status: RuleStatus })),
  role: Role.extend({ capabilities: z.array(z.string()).readonly() }),
  equals: z.string().nullable().describe('The named role the rule\'s capabilities equal ("this is Analyst")'),
  roleCreated: z.boolean().describe("A set of capabilities matching no role was saved as a custom role"),
  revision: z.number().int(),
});

export const RemoveRulesBody = z.object({ ruleIds: z.array(Id).min(1).max(1000) });

export const RulesRemoved = z.object({ removed: z.array(Rule), revision: z.number().int() });

export const RuleScopeKind = z.enum(["resource", "all_current_and_future"]);

export const RulesQuery = z.object({
  resource: Id.optional().describe("The permissions of one resource (with `view`)"),
  subject: z
    .string()
    .max(120)
    .optional()
    .describe("The rules of one subject: `group:<id>` or `user:<id>` (instead of `resource`)"),
  view: z.enum(["groups", "users"]).default("groups"),
  q: z.string().max(200).optional().describe("Groups: part of the name; users: part of the name or email"),
  role: z.string().max(2000).optional().describe("Role names, comma-separated: rules with any of them"),
  sort: z
    .enum(["name", "recent"])
    .default("name")
    .describe("recent: the later of the user's last activity and the rule's last change, newest first"),
  limit: PageLimit,
  cursor: Cursor,
});

const RoleRef = z.object({ id: z.string(), name: z.string() });

export const GroupPermissionRow = z.object({
  ruleId: z.string(),
  group: z.object({
    id: z.string(),
    name: z.string(),
    privileges: z.boolean().describe("Off: the group's rules are kept but do not apply"),
  }),
  role: RoleRef,
  scope: RuleScopeKind,
  locked: z.boolean(),
  updatedAt: z.string(),
  members: z.number().int().describe("Active users in the group, directly or through nested groups"),
});

export const UserPermissionRow = z.object({
  ruleId: z.string(),
  user: z.object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    status: z.enum(["active", "deactivated"]),
  }),
  role: RoleRef,
  scope: RuleScopeKind,
  locked: z.boolean(),
  updatedAt: z.string(),
  lastActiveAt: z.string().nullable(),
});

export const SubjectRuleRow = z.object({
  ruleId: z.string(),
  type: z.string(),
  scope: RuleScopeKind,
  resource: z
    .object({ id: z.string(), key: z.string(), name: z.string() })
    .nullable()
    .describe("null: all current and future resources of the type"),
  role: RoleRef,
  locked: z.boolean(),
  updatedAt: z.string(),
});

export const RulesPage = z.discriminatedUnion("view", [
  z.object({ view: z.literal("groups"), rows: z.array(GroupPermissionRow), nextCursor: NextCursor }),
  z.object({ view: z.literal("users"), rows: z.array(UserPermissionRow), nextCursor: NextCursor }),
  z.object({ view: z.literal("subject"), rows: z.array(SubjectRuleRow), nextCursor: NextCursor }),
]);

// ---- data filters ------------------------------------------------------------

const FilterValue = z.union([z.string(), z.number(), z.boolean(), z.object({ attr: z.string() })]);

/** A data filter predicate (documented two levels deep; `args` nest further). */
export const PredicateShape = z
  .union([
    z.object({ op: z.enum(["eq", "ne"]), column: z.string(), value: FilterValue }),
    z.object({ op: z.enum(["in", "not_in"]), column: z.string(), values: z.array(FilterValue) }),
    z.object({ op: z.enum(["and", "or"]), args: z.array(z.record(z.string(), z.unknown())) }),
  ])
  .describe('e.g. {"op":"eq","column":"region","value":{"attr":"region"}}; `args` hold predicates');

export const FilterBody = z
  .object({
    subject: Subject,
    resourceId: Id.describe("A dataset"),
    predicate: z
      .unknown()
      .optional()
      .describe(
        'The filter as structured JSON, e.g. {"op":"in","column":"country","values":["France"]}; or give `expression`',
      ),
    expression: z
      .string()
      .max(20_000)
      .optional()
      .describe("The filter as text, e.g. `region = {{user.region}} and country in (France, Spain)`"),
  })
  .refine((b) => (b.predicate === undefined) !== (b.expression === undefined), {
    message: "give either predicate or expression",
  });

export const DataFilterInfo = z.object({
  id: z.string(),
  subject: Subject,
  resourceId: z.string(),
  predicate: PredicateShape,
  expression: z.string().describe("The predicate in the text syntax"),
  updatedAt: z.string(),
});

export const FilterWritten = z.object({ filter: DataFilterInfo, revision: z.number().int() });

export const FilterListQuery = z.object({
  resource: Id.optional().describe("One dataset's filters; every filter of the organization without it"),
});

export const FilterList = z.object({
  filters: z.array(
    DataFilterInfo.extend({
      subjectName: z.string().describe("The group's name or the user's email"),
      resourceName: z.string(),
    }),
  ),
});

export const FilterPreviewQuery = z.object({
  resource: Id.describe("A dataset's id, or its key"),
  user: z.string().min(1).max(320).describe("A user's id or email"),
  placeholder: z.enum(["dollar", "question"]).default("dollar"),
  atLeastRevision: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe("Default: the organization's current revision, so a filter just written is seen"),
});

export const FilterPreview = z.object({
  user: z.object({ id: z.string(), email: z.string() }),
  resource: z.object({ id: z.string(), key: z.string(), name: z.string() }),
  access: z.enum(["none", "unfiltered", "filtered"]),
  predicate: z.unknown().optional().describe("The effective filter, resolved with the user's attributes"),
  sql: z.string().optional().describe("A parameterised SQL WHERE fragment"),
  params: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
  revision: z.number().int(),
});

// ---- delegations -------------------------------------------------------------

export const DelegationBody = z.object({ userId: Id, scope: Scope });

export const DelegationInfo = z.object({
  id: z.string(),
  user: z.object({ id: z.string(), email: z.string() }),
  type: z.string(),
  resources: z
    .array(z.object({ id: z.string(), key: z.string(), name: z.string() }))
    .nullable()
    .describe("null: every resource of the type, current and future"),
  createdAt: z.string(),
});

export const DelegationWritten = z.object({
  delegation: Delegation.extend({
    resourceIds: z.array(z.string()).readonly().nullable().describe("null: every resource of the type"),
  }),
  revision: z.number().int(),
});

export const DelegationList = z.object({ delegations: z.array(DelegationInfo) });
