import {
  Alert,
  Badge,
  Box,
  Button,
  Code,
  Group,
  SegmentedControl,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import type { ResourceTypeInfo } from "../../api.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Section } from "../../components/Section.tsx";
import { Empty, QueryView } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import { useSearchParams } from "../../router.tsx";
import { useSession } from "../../session.tsx";
import { may } from "../resources/may.ts";
import { typePlural } from "../resources/words.ts";
import { labels, listText, sameAs } from "./capabilities.ts";
import { useDeleteRole } from "./data.ts";
import { RoleBuilder, type RoleSaved } from "./RoleBuilder.tsx";

type Role = ResourceTypeInfo["roles"][number];

/**
 * Roles per resource type: each capability with what it needs, which role
 * holds which capability (named roles least to most, then custom ones), and
 * the custom roles, created, edited and deleted here. The builder ticks what
 * a capability needs and says when a selection is a named role.
 */
export function RolesPage() {
  const types = useResourceTypes();
  return (
    <QueryView query={types} loadingLabel="Loading the catalog…">
      {(list) => <RolesView types={list} />}
    </QueryView>
  );
}

type Dialog = { kind: "new" } | { kind: "edit"; role: Role } | { kind: "delete"; role: Role };

function RolesView({ types }: { types: ResourceTypeInfo[] }) {
  const [search, set] = useSearchParams();
  const type = types.find((t) => t.key === search.get("type")) ?? types[0];
  const admin = may(useSession()).catalog;
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (!type) return <Empty title="No resource types">The organization's catalog is empty.</Empty>;
  const custom = type.roles.filter((r) => !r.builtin);

  const saved = (s: RoleSaved) =>
    setNotice(
      `${s.created ? "Created" : "Saved"} the custom role ${s.role.name}.${
        s.equals ? ` This is ${s.equals}: it has exactly the capabilities of that named role.` : ""
      }`,
    );

  return (
    <>
      <PageHeader
        title="Roles"
        description="What each role may do, for each type of resource; custom roles for what the named ones do not cover."
        actions={admin && <Button onClick={() => setDialog({ kind: "new" })}>New custom role</Button>}
      />
      {notice && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(null)}
          mb="md"
        >
          {notice}
        </Alert>
      )}
      <Box mb="md" style={{ maxWidth: "100%", overflowX: "auto" }}>
        <SegmentedControl
          aria-label="Resource type"
          value={type.key}
          onChange={(v) => {
            set({ type: v });
            setNotice(null);
          }}
          data={types.map((t) => ({ value: t.key, label: typePlural(types, t.key) }))}
        />
      </Box>
      <Stack gap="md">
        <Section title={`Capabilities of ${typePlural(types, type.key).toLowerCase()}`}>
          <CapabilityMatrix type={type} />
        </Section>
        <Section
          title="Custom roles"
          extra={
            admin && (
              <Button size="xs" variant="light" onClick={() => setDialog({ kind: "new" })}>
                New custom role
              </Button>
            )
          }
        >
          {custom.length === 0 ? (
            <Text size="sm" c="dimmed">
              No custom role for {typePlural(types, type.key).toLowerCase()} yet. A custom role is any set of
              capabilities; rules may give it like a named role.
            </Text>
          ) : (
            <CustomRoles
              editable={admin}
              type={type}
              roles={custom}
              onEdit={(role) => setDialog({ kind: "edit", role })}
              onDelete={(role) => setDialog({ kind: "delete", role })}
            />
          )}
        </Section>
      </Stack>

      {(dialog?.kind === "new" || dialog?.kind === "edit") && (
        <RoleBuilder
          type={type}
          {...(dialog.kind === "edit" && { role: dialog.role })}
          onClose={() => setDialog(null)}
          onSaved={saved}
        />
      )}
      {dialog?.kind === "delete" && (
        <DeleteRoleDialog
          role={dialog.role}
          onClose={() => setDialog(null)}
          onDone={() => setNotice(`Deleted the custom role ${dialog.role.name}.`)}
        />
      )}
    </>
  );
}

/** Capabilities as rows (with what each needs), roles as columns, a tick where a role holds a capability. */
function CapabilityMatrix({ type }: { type: ResourceTypeInfo }) {
  return (
    <Table.ScrollContainer minWidth={Math.max(560, 300 + type.roles.length * 110)} type="native">
      <Table verticalSpacing="xs" withColumnBorders>
        <Table.Caption>
          <VisuallyHidden>Which role of a {type.label.toLowerCase()} holds which capability</VisuallyHidden>
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Capability</Table.Th>
            <Table.Th>Needs</Table.Th>
            {type.roles.map((r) => (
              <Table.Th key={r.id} ta="center">
                <Text size="sm" fw={600}>
                  {r.name}
                </Text>
                {!r.builtin && (
                  <Badge size="xs" variant="light" color="orange" tt="none">
                    custom
                  </Badge>
                )}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {type.capabilities.map((c) => (
            <Table.Tr key={c.key}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {c.label}
                </Text>
                <Code>{c.key}</Code>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={c.requires.length ? undefined : "dimmed"}>
                  {c.requires.length ? listText(labels(type.capabilities, c.requires)) : "—"}
                </Text>
              </Table.Td>
              {type.roles.map((r) => {
                const has = r.capabilities.includes(c.key);
                return (
                  <Table.Td key={r.id} ta="center">
                    {has ? (
                      <>
                        <span aria-hidden>✓</span>
                        <VisuallyHidden>
                          {r.name} has {c.label}
                        </VisuallyHidden>
                      </>
                    ) : (
                      <>
                        <Text span c="dimmed" aria-hidden>
                          ·
                        </Text>
                        <VisuallyHidden>
                          {r.name} does not have {c.label}
                        </VisuallyHidden>
                      </>
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function CustomRoles({
  editable,
  type,
  roles,
  onEdit,
  onDelete,
}: {
  editable: boolean;
  type: ResourceTypeInfo;
  roles: Role[];
  onEdit: (role: Role) => void;
  onDelete: (role: Role) => void;
}) {
  const columns: Column<Role>[] = [
    {
      key: "name",
      header: "Name",
      cell: (r) => (
        <Text size="sm" fw={500} style={{ whiteSpace: "nowrap" }}>
          {r.name}
        </Text>
      ),
    },
    {
      key: "caps",
      header: "Capabilities",
      cell: (r) => <Text size="sm">{labels(type.capabilities, r.capabilities).join(", ")}</Text>,
    },
    {
      key: "same",
      header: "Same as",
      cell: (r) => {
        const same = sameAs(type.roles, r.capabilities);
        return same ? (
          <Badge variant="light" tt="none">
            {same}
          </Badge>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        );
      },
    },
    {
      key: "actions",
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      cell: (r) =>
        editable && (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-sm"
              variant="subtle"
              aria-label={`Edit ${r.name}`}
              onClick={() => onEdit(r)}
            >
              Edit
            </Button>
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              aria-label={`Delete ${r.name}`}
              onClick={() => onDelete(r)}
            >
              Delete
            </Button>
          </Group>
        ),
    },
  ];
  return (
    <DataTable
      caption={`Custom roles of ${type.label.toLowerCase()}s`}
      rows={roles}
      columns={columns}
      rowId={(r) => r.id}
      minWidth={560}
    />
  );
}

function DeleteRoleDialog({
  role,
  onClose,
  onDone,
}: {
  role: Role;
  onClose: () => void;
  onDone: () => void;
}) {
  const remove = useDeleteRole();
  return (
    <ConfirmDialog
      opened
      title={`Delete the custom role ${role.name}?`}
      confirmLabel="Delete role"
      pending={remove.isPending}
      error={remove.error}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(role.id, {
          onSuccess: () => {
            onDone();
            onClose();
          },
        })
      }
    >
      A role that rules still give cannot be deleted: change those rules to another role first.
    </ConfirmDialog>
  );
}
