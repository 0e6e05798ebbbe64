import { Button, Group, Modal, Radio, Select, Stack, Text } from "@mantine/core";
import { type FormEvent, useState } from "react";
import type * as C from "../../../../src/contracts/index.ts";
import type { In } from "../../api.ts";
import { FormError } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import {
  type Picked,
  ResourceMultiSelect,
  ResourceSearchSelect,
  UserSearchSelect,
} from "../filters/pickers.tsx";
import { useCreateDelegation } from "./data.ts";

type ScopeKind = "resource" | "resources" | "all_current" | "all_current_and_future";

/** Types whose resources can be delegated: all but the organization itself. */
export const delegable = (type: { key: string }) => type.key !== "organization";

/**
 * Delegates the administration of some resources to a user, with a scope
 * shaped like a rule's: one resource, several, all current ones of a type,
 * or all current and future ones.
 */
export function DelegateModal({
  onClose,
  onDone,
}: {
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const create = useCreateDelegation();
  const types = useResourceTypes();
  const [user, setUser] = useState<Picked | null>(null);
  const [type, setType] = useState<string>("app");
  const [kind, setKind] = useState<ScopeKind>("resource");
  const [one, setOne] = useState<Picked | null>(null);
  const [several, setSeveral] = useState<Picked[]>([]);
  const [touched, setTouched] = useState(false);

  const typeInfo = types.data?.find((t) => t.key === type);
  const noun = (typeInfo?.label ?? type).toLowerCase();
  const errors = {
    user: user ? null : "Choose the user who will administer.",
    resources:
      kind === "resource" && !one
        ? `Choose the ${noun}.`
        : kind === "resources" && several.length === 0
          ? `Choose one ${noun} or more.`
          : null,
  };

  const scope = (): In<typeof C.Scope> | null => {
    if (kind === "resource") return one ? { kind, resourceId: one.value } : null;
    if (kind === "resources")
      return several.length ? { kind, resourceIds: several.map((r) => r.value) } : null;
    return { kind, type };
  };
  const described = (): string => {
    if (kind === "resource") return one?.label ?? "";
    if (kind === "resources") return several.map((r) => r.label).join(", ");
    return kind === "all_current" ? `all current ${noun}s` : `all current and future ${noun}s`;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    const s = scope();
    if (errors.user || errors.resources || !user || !s) return;
    create.mutate(
      { userId: user.value, scope: s },
      {
        onSuccess: () => {
          onDone(`${user.label} now administers ${described()}.`);
          onClose();
        },
      },
    );
  };

  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": "Close" }}
      title="Delegate administration"
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            The delegate may create groups, manage their members and set their rules, only on the resources
            delegated and only for the groups they created under this delegation.
          </Text>
          <UserSearchSelect
            label="Delegate"
            required
            value={user}
            onChange={setUser}
            error={touched ? (errors.user ?? undefined) : undefined}
          />
          <Select
            label="Resource type"
            allowDeselect={false}
            data={(types.data ?? []).filter(delegable).map((t) => ({ value: t.key, label: t.label }))}
            value={type}
            onChange={(v) => {
              if (!v) return;
              setType(v);
              setOne(null);
              setSeveral([]);
            }}
            error={types.isError ? "The resource types could not be loaded." : undefined}
            comboboxProps={{ withinPortal: true }}
          />
          <Radio.Group label="Scope" value={kind} onChange={(v) => setKind(v as ScopeKind)}>
            <Stack gap={6} mt={6}>
              <Radio value="resource" label={`One ${noun}`} />
              <Radio value="resources" label={`Several ${noun}s`} />
              <Radio
                value="all_current"
                label={`All current ${noun}s`}
                description={`Every ${noun} that exists now; ${noun}s added later are not included.`}
              />
              <Radio
                value="all_current_and_future"
                label={`All current and future ${noun}s`}
                description={`Every ${noun}, including those added later.`}
              />
            </Stack>
          </Radio.Group>
          {kind === "resource" && (
            <ResourceSearchSelect
              label={`${typeInfo?.label ?? "Resource"} to delegate`}
              type={type}
              noun={noun}
              value={one}
              onChange={setOne}
              error={touched ? (errors.resources ?? undefined) : undefined}
            />
          )}
          {kind === "resources" && (
            <ResourceMultiSelect
              label={`${typeInfo?.label ?? "Resource"}s to delegate`}
              type={type}
              noun={noun}
              value={several}
              onChange={setSeveral}
              error={touched ? (errors.resources ?? undefined) : undefined}
            />
          )}
          <FormError error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Delegate
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
