import { List, Stack, Text } from "@mantine/core";
import type { UserSummary } from "../../api.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { fullName } from "../../format.ts";
import { useSession } from "../../session.tsx";
import { useRemoveUser, useSetStatus } from "./data.ts";

type Props = { user: UserSummary; onClose: () => void; onDone?: () => void };

/** Deactivate (with a confirmation: they lose every access) or reactivate a user. */
export function StatusDialog({ user, onClose, onDone }: Props) {
  const setStatus = useSetStatus();
  const deactivate = user.status === "active";
  return (
    <ConfirmDialog
      opened
      title={deactivate ? `Deactivate ${fullName(user)}?` : `Reactivate ${fullName(user)}?`}
      confirmLabel={deactivate ? "Deactivate" : "Reactivate"}
      danger={deactivate}
      pending={setStatus.isPending}
      error={setStatus.error}
      onClose={onClose}
      onConfirm={() =>
        setStatus.mutate(
          { id: user.id, status: deactivate ? "deactivated" : "active" },
          {
            onSuccess: () => {
              onClose();
              onDone?.();
            },
          },
        )
      }
    >
      {deactivate
        ? `${user.email} keeps their record and memberships but loses every access until reactivated, and can no longer sign in.`
        : `${user.email} gets back the access their groups and rules give.`}
    </ConfirmDialog>
  );
}

/** Remove a user from the organization, after a confirmation that says what goes with them. */
export function RemoveUserDialog({ user, onClose, onDone }: Props) {
  const me = useSession();
  const remove = useRemoveUser();
  return (
    <ConfirmDialog
      opened
      title={`Remove ${fullName(user)} from ${me.organization.name}?`}
      confirmLabel="Remove from organization"
      pending={remove.isPending}
      error={remove.error}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(user.id, {
          onSuccess: () => {
            onClose();
            onDone?.();
          },
        })
      }
    >
      <Stack gap="xs">
        <Text size="sm">
          {user.email} will be removed with everything that is theirs in {me.organization.name}:
        </Text>
        <List size="sm">
          <List.Item>
            their memberships{user.groups.length > 0 ? ` (${user.groups.map((g) => g.name).join(", ")})` : ""}
          </List.Item>
          <List.Item>their own rules, data filters and delegations</List.Item>
        </List>
        <Text size="sm">This cannot be undone; inviting them again starts from nothing.</Text>
      </Stack>
    </ConfirmDialog>
  );
}
