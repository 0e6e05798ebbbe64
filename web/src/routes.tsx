import type { ComponentType } from "react";
import { AuditPage } from "./pages/audit/AuditPage.tsx";
import { ForgotPasswordPage } from "./pages/auth/ForgotPasswordPage.tsx";
import { SetPasswordPage } from "./pages/auth/SetPasswordPage.tsx";
import { SignInPage } from "./pages/auth/SignInPage.tsx";
import { DelegationsPage } from "./pages/delegations/DelegationsPage.tsx";
import { FiltersPage } from "./pages/filters/FiltersPage.tsx";
import { GroupPage } from "./pages/groups/GroupPage.tsx";
import { GroupsPage } from "./pages/groups/GroupsPage.tsx";
import { NotificationsPage } from "./pages/notifications/NotificationsPage.tsx";
import { ResourcePage } from "./pages/resources/ResourcePage.tsx";
import { ResourcesPage } from "./pages/resources/ResourcesPage.tsx";
import { RolesPage } from "./pages/roles/RolesPage.tsx";
import { SettingsPage } from "./pages/settings/SettingsPage.tsx";
import { UserPage } from "./pages/users/UserPage.tsx";
import { UsersPage } from "./pages/users/UsersPage.tsx";

/**
 * Every page of the console: its path (":name" parts become `params`), the
 * document title, and, for the sections, its navbar entry. To add a page,
 * write it under pages/<area>/ and add a line here; the navbar follows this
 * table.
 */

export type PageProps = { readonly params: Readonly<Record<string, string>> };

export type RouteDef = {
  readonly path: string;
  readonly title: string;
  readonly page: ComponentType<PageProps>;
  /** Shown to anyone, without the console's frame (sign-in, password links). */
  readonly public?: boolean;
  /** An entry of the navbar. */
  readonly nav?: { readonly label: string };
};

export const ROUTES: readonly RouteDef[] = [
  // Signed out
  { path: "/sign-in", title: "Sign in", page: SignInPage, public: true },
  { path: "/forgot-password", title: "Reset your password", page: ForgotPasswordPage, public: true },
  {
    path: "/set-password",
    title: "Set your password",
    page: () => <SetPasswordPage purpose="set" />,
    public: true,
  },
  {
    path: "/reset-password",
    title: "Choose a new password",
    page: () => <SetPasswordPage purpose="reset" />,
    public: true,
  },

  // Sections
  { path: "/users", title: "Users", page: UsersPage, nav: { label: "Users" } },
  { path: "/users/:id", title: "User", page: UserPage },
  { path: "/groups", title: "Groups", page: GroupsPage, nav: { label: "Groups" } },
  { path: "/groups/:id", title: "Group", page: GroupPage },
  {
    path: "/resources",
    title: "Permissions",
    nav: { label: "Permissions" },
    page: ResourcesPage,
  },
  { path: "/resources/:id", title: "Permissions", page: ResourcePage },
  { path: "/roles", title: "Roles", nav: { label: "Roles" }, page: RolesPage },
  {
    path: "/filters",
    title: "Data filters",
    nav: { label: "Data filters" },
    page: FiltersPage,
  },
  {
    path: "/delegations",
    title: "Delegations",
    nav: { label: "Delegations" },
    page: DelegationsPage,
  },
  {
    path: "/audit",
    title: "Audit log",
    nav: { label: "Audit log" },
    page: AuditPage,
  },
  {
    path: "/notifications",
    title: "Notifications",
    nav: { label: "Notifications" },
    page: NotificationsPage,
  },
  {
    path: "/settings",
    title: "Settings",
    nav: { label: "Settings" },
    page: SettingsPage,
  },
];

/** The navbar, in the table's order. */
export const NAV = ROUTES.flatMap((r) => (r.nav ? [{ path: r.path, ...r.nav }] : []));
