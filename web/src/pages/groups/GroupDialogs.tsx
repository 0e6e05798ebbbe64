import { Button, Checkbox, Group, Modal, Radio, Stack, Text } from "@mantine/core";
import { useState } from "react";
import type { GroupSummary } from "../../api.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorState } from "../../components/states.tsx";
import { fullName, plural } from "../../format.ts";
import { type Notify, useBulkDelete, useBulkNotify, useBulkPrivileges, useUsersOfGroups } from "./data.ts";

/**
 * The groups table's actions on a selection: privileges on or off, the
 * notification setting, and deletion. Each names the groups, and who loses
 * (or gets back) what they give: the users in any of them, directly or
 * through nested groups, counted by the server.
 */

const names = (groups: readonly { name: string }[]) => groups.map((g) => g.name).join(", ");

type Props = {
  groups: readonly GroupSummary[];
  onClose: () => void;
  onDone: (message: string) => void;
};

/** "12 users lose what these groups give: Alice Martin, Bob Stone and 10 more." */
export function WhoIsReached({
  groups,
  lead,
}: {
  groups: readonly GroupSummary[];
  /** The verb phrase after the count: "lose what these groups give". */
  lead: (count: string) => string;
}) {
  const reached = useUsersOfGroups(groups.map((g) => g.id));
  if (reached.isPending) return <Text size="sm">Counting the members…</Text>;
  if (reached.isError)
    return <ErrorState error={reached.error} title="Who is affected could not be counted" />;
  const { total, users } = reached.data;
  if (total === 0)
    return (
      <Text size="sm" data-testid="reached">
        Nobody is in {groups.length === 1 ? "this group" : "these groups"}: no user is affected.
      </Text>
    );
  const more = total - users.length;
  return (
    <Text size="sm" data-testid="reached">
      <strong>{lead(plural(total, "user"))}</strong>: {users.map(fullName).join(", ")}
      {more > 0 ? ` and ${plural(more, "other")}` : ""}.
    </Text>
  );
}

/** System groups cannot be switched off or deleted: they are left out, and said so. */
function split(groups: readonly GroupSummary[]) {
  return {
    custom: groups.filter((g) => g.system === null),
    system: groups.filter((g) => g.system !== null),
  };
}

function OnlySystemGroups({ title, what, onClose }: { title: string; what: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={title} centered>
      <Stack>
        <Text size="sm">{what}</Text>
        <Group justify="flex-end">
          <Button onClick={onClose}>Close</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function PrivilegesDialog({ groups, on, onClose, onDone }: Props & { on: boolean }) {
  const { custom, system } = split(groups);
  const change = useBulkPrivileges();
  const title = `Turn ${on ? "on" : "off"} the privileges of ${plural(custom.length, "group")}?`;
  if (custom.length === 0)
    return (
      <OnlySystemGroups
        title={title}
        what={`System groups always apply their rules: ${names(system)}.`}
        onClose={onClose}
      />
    );
  return (
    <ConfirmDialog
      opened
      title={title}
      confirmLabel={on ? "Turn privileges on" : "Turn privileges off"}
      danger={!on}
      pending={change.isPending}
      error={change.error}
      onClose={onClose}
      onConfirm={() =>
        change.mutate(
          { groupIds: custom.map((g) => g.id), privileges: on },
          {
            onSuccess: () => {
              onDone(
                `Privileges turned ${on ? "on" : "off"} for ${plural(custom.length, "group")}: ${names(custom)}.`,
              );
              onClose();
            },
          },
        )
      }
    >
      <Stack gap="xs">
        <Text size="sm">
          {on
            ? `The rules and data filters of ${names(custom)} apply again.`
            : `The rules and data filters of ${names(custom)} are kept but stop applying. Members still count as members of the groups these are nested in.`}
        </Text>
        <WhoIsReached
          groups={custom}
          lead={(n) => (on ? `${n} get back what they give` : `${n} lose what they give`)}
        />
        {!on && (
          <Text size="sm" c="dimmed">
            They keep what other groups and their own rules give.
          </Text>
        )}
        {system.length > 0 && (
          <Text size="sm" c="dimmed">
            Left out, as system groups always apply their rules: {names(system)}.
          </Text>
        )}
      </Stack>
    </ConfirmDialog>
  );
}

export function NotifyDialog({ groups, onClose, onDone }: Props) {
  const change = useBulkNotify();
  const all = groups.map((g) => g.notify);
  const [notify, setNotify] = useState<Notify>(all.every((n) => n === "email") ? "email" : "none");
  return (
    <ConfirmDialog
      opened
      title={`Notifications for ${plural(groups.length, "group")}`}
      confirmLabel="Save"
      danger={false}
      pending={change.isPending}
      error={change.error}
      onClose={onClose}
      onConfirm={() =>
        change.mutate(
          { groupIds: groups.map((g) => g.id), notify },
          {
            onSuccess: () => {
              onDone(
                notify === "email"
                  ? `Members of ${names(groups)} are now notified by email.`
                  : `Members of ${names(groups)} are no longer notified.`,
              );
              onClose();
            },
          },
        )
      }
    >
      <Stack gap="xs">
        <Text size="sm">{names(groups)}</Text>
        <Radio.Group
          label="Notify members"
          description="When they join or leave a group, or when what it gives changes."
          value={notify}
          onChange={(v) => setNotify(v as Notify)}
        >
          <Stack gap={6} mt={6}>
            <Radio value="none" label="None" />
            <Radio value="email" label="By email" />
          </Stack>
        </Radio.Group>
      </Stack>
    </ConfirmDialog>
  );
}

export function DeleteGroupsDialog({ groups, onClose, onDone }: Props) {
  const { custom, system } = split(groups);
  const remove = useBulkDelete();
  const [force, setForce] = useState(false);
  const title = `Delete ${plural(custom.length, "group")}?`;
  if (custom.length === 0)
    return (
      <OnlySystemGroups
        title="Delete groups?"
        what={`System groups cannot be deleted: ${names(system)}.`}
        onClose={onClose}
      />
    );
  const directUsers = custom.reduce((n, g) => n + g.members.users, 0);
  const directGroups = custom.reduce((n, g) => n + g.members.groups, 0);
  const withMembers = custom.some((g) => g.members.users > 0 || g.members.groups > 0 || g.allUsers);
  const direct = [
    directUsers > 0 ? plural(directUsers, "user") : null,
    directGroups > 0 ? plural(directGroups, "nested group") : null,
  ]
    .filter(Boolean)
    .join(" and ");
  return (
    <ConfirmDialog
      opened
      title={title}
      confirmLabel={custom.length === 1 ? "Delete group" : "Delete groups"}
      pending={remove.isPending}
      error={remove.error}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(
          { groupIds: custom.map((g) => g.id), force },
          {
            onSuccess: (r) => {
              onDone(
                `Deleted ${plural(r.deleted.length, "group")}: ${names(r.deleted.map((d) => d.group))}.`,
              );
              onClose();
            },
          },
        )
      }
    >
      <Stack gap="xs">
        <Text size="sm">
          {names(custom)} {custom.length === 1 ? "goes" : "go"} with {custom.length === 1 ? "its" : "their"}{" "}
          rules and data filters.
        </Text>
        <WhoIsReached
          groups={custom}
          lead={(n) => `${n} lose what ${custom.length === 1 ? "it gives" : "they give"}`}
        />
        <Text size="sm" c="dimmed">
          They keep what other groups and their own rules give. This cannot be undone.
        </Text>
        {withMembers && (
          <Checkbox
            label={`Also remove ${custom.length === 1 ? "its" : "their"} members (${direct || "every user"} directly in ${custom.length === 1 ? "it" : "them"})`}
            description="A group that still has members is only deleted with them."
            checked={force}
            onChange={(e) => setForce(e.currentTarget.checked)}
          />
        )}
        {system.length > 0 && (
          <Text size="sm" c="dimmed">
            Left out, as system groups cannot be deleted: {names(system)}.
          </Text>
        )}
      </Stack>
    </ConfirmDialog>
  );
}
