import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import {
  createResource,
  createResourceType,
  createRole,
  deleteResource,
  deleteRole,
  updateResource,
  updateRole,
} from "../../../commands/index.ts";
import {
  EntityIdParams,
  Problem,
  Resource,
  ResourceBody,
  ResourceListQuery,
  ResourcePage,
  ResourcePatchBody,
  ResourceTypeBody,
  ResourceTypeCreated,
  ResourceTypeList,
  ResourceWritten,
  RoleBody,
  RoleDeleted,
  RolePatchBody,
  RolePreview,
  RolePreviewBody,
  RoleWritten,
} from "../../../contracts/index.ts";
import type { ResourceId, RoleId } from "../../../domain/index.ts";
import { findResource, listResources, listResourceTypes, previewRole } from "../../../queries/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, adminOrg, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem };

/** The catalog (resource types and roles) and the resources. */
export function catalogRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/resource-types",
    {
      schema: {
        tags: ["catalog"],
        summary:
          "The catalog: every resource type with its capabilities (and what each requires) and its roles",
        response: { 200: ResourceTypeList, ...errors },
      },
    },
    async (request) => ({ resourceTypes: await listResourceTypes(s.store, await adminOrg(s, request)) }),
  );

  app.post(
    "/api/v1/resource-types",
    {
      schema: {
        tags: ["catalog"],
        summary: "Add a resource type with its capabilities and named roles",
        body: ResourceTypeBody,
        response: { 201: ResourceTypeCreated, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await createResourceType(await adminContext(s, request), request.body), 201),
  );

  app.post(
    "/api/v1/roles",
    {
      schema: {
        tags: ["catalog"],
        summary:
          'Create a custom role from a set of capabilities; `equals` names the role it equals ("this is Analyst")',
        body: RoleBody,
        response: { 201: RoleWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await createRole(await adminContext(s, request), request.body), 201),
  );

  app.post(
    "/api/v1/roles/preview",
    {
      schema: {
        tags: ["catalog"],
        summary:
          "What a set of capabilities becomes as a role, without writing: its dependencies and the role it equals",
        body: RolePreviewBody,
        response: { 200: RolePreview, ...errors },
      },
    },
    async (request) => previewRole(s.store, await adminOrg(s, request), request.body),
  );

  app.patch(
    "/api/v1/roles/:id",
    {
      schema: {
        tags: ["catalog"],
        summary: "Rename a custom role or change its capabilities (every rule with it changes too)",
        params: EntityIdParams,
        body: RolePatchBody,
        response: { 200: RoleWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await updateRole(await adminContext(s, request), request.params.id as RoleId, request.body),
      ),
  );

  app.delete(
    "/api/v1/roles/:id",
    {
      schema: {
        tags: ["catalog"],
        summary: "Delete a custom role that no rule uses",
        params: EntityIdParams,
        response: { 200: RoleDeleted, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await deleteRole(await adminContext(s, request), request.params.id as RoleId)),
  );

  app.post(
    "/api/v1/resources",
    {
      schema: {
        tags: ["resources"],
        summary:
          "Register a resource; rules on all current and future resources of its type cover it at once",
        body: ResourceBody,
        response: { 201: ResourceWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await createResource(await adminContext(s, request), request.body), 201),
  );

  app.get(
    "/api/v1/resources",
    {
      schema: {
        tags: ["resources"],
        summary: "Resources by name, of a type or matching a search, a page at a time",
        querystring: ResourceListQuery,
        response: { 200: ResourcePage, ...errors },
      },
    },
    async (request) => listResources(s.store, await adminOrg(s, request), request.query),
  );

  app.get(
    "/api/v1/resources/:id",
    {
      schema: {
        tags: ["resources"],
        summary: "A resource",
        params: EntityIdParams,
        response: { 200: Resource, ...errors },
      },
    },
    async (request) => findResource(s.store, await adminOrg(s, request), request.params.id),
  );

  app.patch(
    "/api/v1/resources/:id",
    {
      schema: {
        tags: ["resources"],
        summary: "Rename a resource or change its key",
        params: EntityIdParams,
        body: ResourcePatchBody,
        response: { 200: ResourceWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(
        reply,
        await updateResource(await adminContext(s, request), request.params.id as ResourceId, request.body),
      ),
  );

  app.delete(
    "/api/v1/resources/:id",
    {
      schema: {
        tags: ["resources"],
        summary: "Delete a resource with its rules and data filters",
        params: EntityIdParams,
        response: { 200: ResourceWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await deleteResource(await adminContext(s, request), request.params.id as ResourceId)),
  );
}
