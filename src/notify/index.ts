export {
  type DeliveryLogger,
  type DeliveryOptions,
  defaultBackoffMs,
  OutboxDelivery,
  type RoundResult,
} from "./delivery.ts";
export {
  resolveSmtp,
  type SmtpResolver,
  type SmtpSettings,
  SmtpSettingsError,
  smtpFromEnv,
  smtpFromOrganizationSettings,
} from "./smtp.ts";
