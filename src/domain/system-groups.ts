import type { SystemGroupKey } from "./model.ts";

export type SystemGroupDef = {
  readonly key: SystemGroupKey;
  readonly name: string;
  readonly description: string;
  /** The locked system rule: this workspace role on all current and future workspaces. */
  readonly workspaceRole: string | null;
};

/** The groups every organization has; they cannot be deleted or renamed. */
export const SYSTEM_GROUPS: readonly SystemGroupDef[] = [
  { key: "everyone", name: "Everyone", description: "Every user of the organization.", workspaceRole: null },
  {
    key: "administrators",
    name: "Administrators",
    description: "Organization administrators: every capability on every resource.",
    workspaceRole: null,
  },
  {
    key: "power_users",
    name: "Power Users",
    description: "Power user on all workspaces.",
    workspaceRole: "Power user",
  },
  {
    key: "database_managers",
    name: "Database Managers",
    description: "Database manager on all workspaces.",
    workspaceRole: "Database manager",
  },
  {
    key: "report_builders",
    name: "Report Builders",
    description: "Report builder on all workspaces.",
    workspaceRole: "Report builder",
  },
  {
    key: "dataset_designers",
    name: "Dataset Designers",
    description: "Dataset designer on all workspaces.",
    workspaceRole: "Dataset designer",
  },
  {
    key: "report_consumers",
    name: "Report Consumers",
    description: "Report consumer on all workspaces.",
    workspaceRole: "Report consumer",
  },
];

export const WORKSPACE_TYPE = "workspace";
