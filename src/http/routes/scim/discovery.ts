import type { FastifyInstance } from "fastify";
import { fail } from "../../../domain/index.ts";
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_USER } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { baseUrl, scimContext, scimReply } from "./context.ts";
import { isObject, type Json } from "./patch.ts";
import { MAX_RESULTS } from "./query.ts";

/**
 * The self-description of the SCIM API (RFC 7644 §4, RFC 7643 §5–7): what
 * it supports, its resource types, and the schemas as Roster keeps them,
 * each attribute with its mutability (an attribute not listed is not kept).
 */

export const LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const SEARCH_REQUEST = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const SERVICE_PROVIDER_CONFIG = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema";

type Attribute = {
  name: string;
  type: "string" | "boolean" | "complex" | "reference" | "dateTime";
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned: "always" | "never" | "default" | "request";
  uniqueness: "none" | "server" | "global";
  subAttributes?: Attribute[];
  referenceTypes?: string[];
  canonicalValues?: string[];
};

function attribute(
  name: string,
  description: string,
  more: Partial<Omit<Attribute, "name" | "description">> = {},
): Attribute {
  return {
    name,
    type: "string",
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...more,
  };
}

const USER_ATTRIBUTES: Attribute[] = [
  attribute(
    "userName",
    "The user's email address, which identifies them in Roster. Unique, case-insensitive.",
    {
      required: true,
      uniqueness: "server",
    },
  ),
  attribute("name", "The user's name.", {
    type: "complex",
    subAttributes: [
      attribute("givenName", "First name."),
      attribute("familyName", "Last name."),
      attribute("formatted", "First and last name.", { mutability: "readOnly" }),
    ],
  }),
  attribute("displayName", "First and last name, or the email when there is no name.", {
    mutability: "readOnly",
  }),
  attribute("active", "False deactivates the user: the record and memberships stay, all access goes.", {
    type: "boolean",
  }),
  attribute("emails", "The user's email, which is userName.", {
    type: "complex",
    multiValued: true,
    mutability: "readOnly",
    subAttributes: [
      attribute("value", "The email address.", { mutability: "readOnly" }),
      attribute("type", "Always work.", { mutability: "readOnly", canonicalValues: ["work"] }),
      attribute("primary", "Always true.", { type: "boolean", mutability: "readOnly" }),
    ],
  }),
  attribute("groups", "The custom groups the user is directly in; change them through /Groups.", {
    type: "complex",
    multiValued: true,
    mutability: "readOnly",
    subAttributes: [
      attribute("value", "The group's id.", { mutability: "readOnly", caseExact: true }),
      attribute("$ref", "The group's URI.", {
        type: "reference",
        referenceTypes: ["Group"],
        mutability: "readOnly",
        caseExact: true,
      }),
      attribute("display", "The group's name.", { mutability: "readOnly" }),
      attribute("type", "Always direct.", { mutability: "readOnly", canonicalValues: ["direct"] }),
    ],
  }),
];

const ENTERPRISE_ATTRIBUTES: Attribute[] = [
  ...(
    [
      ["employeeNumber", "The employee number."],
      ["costCenter", "The cost center."],
      ["organization", "The organization."],
      ["division", "The division."],
      ["department", "The department."],
    ] as const
  ).map(([name, description]) =>
    attribute(name, `${description} Kept as the user attribute ${name}, which data filters can use.`),
  ),
  attribute("manager", "The user's manager, a user of the organization.", {
    type: "complex",
    subAttributes: [
      attribute("value", "The manager's user id.", { caseExact: true }),
      attribute("$ref", "The manager's URI.", {
        type: "reference",
        referenceTypes: ["User"],
        mutability: "readOnly",
        caseExact: true,
      }),
    ],
  }),
];

const GROUP_ATTRIBUTES: Attribute[] = [
  attribute("displayName", "The group's name. Unique, case-insensitive.", {
    required: true,
    uniqueness: "server",
  }),
  attribute("members", "The group's direct members: users and nested groups.", {
    type: "complex",
    multiValued: true,
    subAttributes: [
      attribute("value", "The member's id.", { mutability: "immutable", caseExact: true }),
      attribute("$ref", "The member's URI.", {
        type: "reference",
        referenceTypes: ["User", "Group"],
        mutability: "immutable",
        caseExact: true,
      }),
      attribute("display", "The member's name.", { mutability: "readOnly" }),
      attribute("type", "User or Group.", { mutability: "immutable", canonicalValues: ["User", "Group"] }),
    ],
  }),
];

function schemas(base: string): Json[] {
  const schema = (id: string, name: string, description: string, attributes: Attribute[]): Json => ({
    schemas: [SCHEMA],
    id,
    name,
    description,
    attributes,
    meta: { resourceType: "Schema", location: `${base}/Schemas/${id}` },
  });
  return [
    schema(SCIM_USER, "User", "User Account", USER_ATTRIBUTES),
    schema(SCIM_GROUP, "Group", "Group", GROUP_ATTRIBUTES),
    schema(SCIM_ENTERPRISE_USER, "EnterpriseUser", "Enterprise User", ENTERPRISE_ATTRIBUTES),
  ];
}

function resourceTypes(base: string): Json[] {
  return [
    {
      schemas: [RESOURCE_TYPE],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "A user of the organization",
      schema: SCIM_USER,
      schemaExtensions: [{ schema: SCIM_ENTERPRISE_USER, required: false }],
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: [RESOURCE_TYPE],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "A custom group of the organization (enterprise plan)",
      schema: SCIM_GROUP,
      meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/Group` },
    },
  ];
}

function serviceProviderConfig(base: string): Json {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "Bearer token",
        description: "A Roster API token with the scim scope: Authorization: Bearer rst_...",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
  };
}

function listOf(resources: Json[]): Json {
  return {
    schemas: [LIST_RESPONSE],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** One of a list by its id (a resource type's name or a schema's URN), or a 404. */
function byId(resources: Json[], id: string, what: string): Json {
  return (
    resources.find((r) => String(r.id).toLowerCase() === id.toLowerCase()) ??
    fail("route.not_found", `No ${what} ${id}.`)
  );
}

/** The parameters of a POST .search body (RFC 7644 §3.4.3), as query parameters. */
export function searchParams(body: unknown): Map<string, string> {
  if (!isObject(body)) fail("scim.invalid_syntax", `A search is a ${SEARCH_REQUEST} object.`);
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(body)) {
    if (key === "schemas") continue;
    if (Array.isArray(value) && value.every((v) => typeof v === "string"))
      out.set(key.toLowerCase(), value.join(","));
    else if (typeof value === "string" || typeof value === "number")
      out.set(key.toLowerCase(), String(value));
    else fail("scim.invalid_syntax", `${key}: not a search parameter's value.`);
  }
  return out;
}

export function scimDiscoveryRoutes(app: FastifyInstance, s: Services, publicUrl: string | undefined): void {
  const hide = { hide: true };
  type Id = { Params: { id: string } };
  app.get("/ServiceProviderConfig", { schema: hide }, async (request, reply) => {
    await scimContext(s, request);
    return scimReply(reply, serviceProviderConfig(baseUrl(request, publicUrl)));
  });
  app.get("/ResourceTypes", { schema: hide }, async (request, reply) => {
    await scimContext(s, request);
    return scimReply(reply, listOf(resourceTypes(baseUrl(request, publicUrl))));
  });
  app.get<Id>("/ResourceTypes/:id", { schema: hide }, async (request, reply) => {
    await scimContext(s, request);
    return scimReply(
      reply,
      byId(resourceTypes(baseUrl(request, publicUrl)), request.params.id, "resource type"),
    );
  });
  app.get("/Schemas", { schema: hide }, async (request, reply) => {
    await scimContext(s, request);
    return scimReply(reply, listOf(schemas(baseUrl(request, publicUrl))));
  });
  app.get<Id>("/Schemas/:id", { schema: hide }, async (request, reply) => {
    await scimContext(s, request);
    return scimReply(reply, byId(schemas(baseUrl(request, publicUrl)), request.params.id, "schema"));
  });
}
