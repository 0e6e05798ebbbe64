import { Badge, Group } from "@mantine/core";

/** How a group's kind and state are shown, in the table and on its page. */

type GroupLike = { system: string | null; allUsers: boolean; privileges: boolean };

export function GroupBadges({ group }: { group: GroupLike }) {
  const badges = [
    group.system !== null && (
      <Badge key="system" size="xs" variant="light" color="grape">
        System
      </Badge>
    ),
    group.allUsers && (
      <Badge key="all" size="xs" variant="light" color="blue">
        All users
      </Badge>
    ),
    !group.privileges && (
      <Badge key="off" size="xs" variant="light" color="orange">
        Privileges off
      </Badge>
    ),
  ].filter(Boolean);
  if (badges.length === 0) return null;
  return <Group gap={4}>{badges}</Group>;
}

/** Why a system group cannot be deleted or edited the usual way, and what can be done with it. */
export function systemGroupRules(system: string): { title: string; lines: string[] } {
  if (system === "everyone")
    return {
      title: "Everyone is a system group",
      lines: [
        "Every user of the organization is in it, always: its members cannot be added or removed.",
        "It cannot be renamed, switched off or deleted. Its rules apply to every user; change them on the permissions pages.",
      ],
    };
  if (system === "administrators")
    return {
      title: "Administrators is a system group",
      lines: [
        "Its members are the organization's administrators: they hold every capability on every resource.",
        "The last active administrator can never leave it: make someone else an administrator first.",
        "It cannot be renamed, switched off or deleted.",
      ],
    };
  return {
    title: "This is a system group",
    lines: [
      "It carries a locked rule, its workspace role on all current and future workspaces, which cannot be changed or removed.",
      "Members can be added and removed. It cannot be renamed, switched off or deleted.",
    ],
  };
}
