import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { readSmtpSettings, removeSmtpSettings, setSmtpSettings } from "../../../commands/index.ts";
import {
  Problem,
  SmtpSettingsAnswer,
  SmtpSettingsBody,
  SmtpSettingsWritten,
} from "../../../contracts/index.ts";
import type { Services } from "../../services.ts";
import { adminContext, written } from "./context.ts";

const errors = { 400: Problem, 401: Problem, 403: Problem, 404: Problem };

/** The organization's own SMTP server for notifications: administrators only; the password never comes back. */
export function smtpRoutes(root: FastifyInstance, s: Services): void {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/organization/smtp",
    {
      schema: {
        tags: ["organizations"],
        summary:
          "The organization's own SMTP server, without its password (only whether one is set); null when it has none",
        response: { 200: SmtpSettingsAnswer, ...errors },
      },
    },
    async (request) => ({ smtp: await readSmtpSettings(await adminContext(s, request)) }),
  );

  app.put(
    "/api/v1/organization/smtp",
    {
      schema: {
        tags: ["organizations"],
        summary:
          "Set the organization's own SMTP server, used for its notifications instead of the platform's (ROSTER_SMTP_URL)",
        body: SmtpSettingsBody,
        response: { 200: SmtpSettingsWritten, ...errors },
      },
    },
    async (request, reply) =>
      written(reply, await setSmtpSettings(await adminContext(s, request), request.body)),
  );

  app.delete(
    "/api/v1/organization/smtp",
    {
      schema: {
        tags: ["organizations"],
        summary:
          "Stop using the organization's own SMTP server: its notifications go through the platform's, or wait",
        response: { 200: SmtpSettingsWritten, ...errors },
      },
    },
    async (request, reply) => written(reply, await removeSmtpSettings(await adminContext(s, request))),
  );
}
