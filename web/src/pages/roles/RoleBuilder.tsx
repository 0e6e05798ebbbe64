import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Loader,
  Modal,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ApiError, errorSentence, type ResourceTypeInfo } from "../../api.ts";
import { FormError } from "../../components/states.tsx";
import { labels, listText, ordered, toggle } from "./capabilities.ts";
import { useCreateRole, useRolePreview, useUpdateRole } from "./data.ts";

type Role = ResourceTypeInfo["roles"][number];

export type RoleSaved = {
  readonly created: boolean;
  readonly role: { readonly name: string };
  readonly equals: string | null;
};

/**
 * Creates a custom role of a type, or edits one (`role`): a name and the
 * capabilities, ticked with what each needs (or, with that turned off, exactly
 * as ticked, which the server refuses when something is missing). The server's
 * preview says when the selection is a named role ("this is Analyst").
 */
export function RoleBuilder({
  type,
  role,
  onClose,
  onSaved,
}: {
  type: ResourceTypeInfo;
  role?: Role;
  onClose: () => void;
  onSaved: (saved: RoleSaved) => void;
}) {
  const [name, setName] = useState(role?.name ?? "");
  const [selected, setSelected] = useState<Set<string>>(new Set(role?.capabilities ?? []));
  const [follow, setFollow] = useState(true);
  const [note, setNote] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const create = useCreateRole();
  const update = useUpdateRole();
  const write = role ? update : create;
  const caps = type.capabilities;
  const chosen = ordered(caps, selected);
  const preview = useRolePreview(type.key, chosen, follow);

  const errors = {
    name: name.trim() ? null : "A role needs a name.",
    capabilities: chosen.length > 0 ? null : "Tick at least one capability.",
  };

  const tick = (key: string, on: boolean) => {
    const { next, also } = toggle(caps, selected, key, on, follow);
    setSelected(next);
    const label = caps.find((c) => c.key === key)?.label ?? key;
    setNote(
      also.length === 0
        ? null
        : on
          ? `Also ticked ${listText(labels(caps, also))}, which ${label} needs.`
          : `Also unticked ${listText(labels(caps, also))}, which need${also.length === 1 ? "s" : ""} ${label}.`,
    );
    write.reset();
  };

  /**
   * A refusal of the set (the preview's, or the write's once it was tried), in
   * the catalog's words, with the capabilities it misses, to tick in one go.
   */
  const refusal = write.error ?? preview.error;
  const missing =
    refusal instanceof ApiError && Array.isArray(refusal.details?.missing)
      ? (refusal.details.missing as string[])
      : [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.name || errors.capabilities) return;
    const onSuccess = (r: { role: { name: string }; equals: string | null }) => {
      onSaved({ created: !role, role: r.role, equals: r.equals });
      onClose();
    };
    if (role) {
      update.mutate(
        {
          id: role.id,
          changes: {
            ...(name.trim() !== role.name && { name: name.trim() }),
            capabilities: chosen,
            closeDependencies: follow,
          },
        },
        { onSuccess },
      );
    } else {
      create.mutate(
        { type: type.key, name: name.trim(), capabilities: chosen, closeDependencies: follow },
        { onSuccess },
      );
    }
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={role ? `Edit ${role.name}` : `New custom role of ${type.label.toLowerCase()}s`}
      size="lg"
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            required
            maxLength={80}
            data-autofocus
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={touched ? errors.name : undefined}
          />
          <Switch
            label="Tick what each capability needs"
            description="Off: only the box you tick changes, and a role missing what a capability needs is refused."
            checked={follow}
            onChange={(e) => {
              setFollow(e.currentTarget.checked);
              setNote(null);
            }}
          />
          <Fieldset legend="Capabilities" variant="unstyled">
            <Stack gap="xs" mt={6}>
              {caps.map((c) => (
                <Checkbox
                  key={c.key}
                  label={c.label}
                  description={c.requires.length ? `Needs ${listText(labels(caps, c.requires))}` : undefined}
                  checked={selected.has(c.key)}
                  onChange={(e) => tick(c.key, e.currentTarget.checked)}
                />
              ))}
            </Stack>
            {touched && errors.capabilities && (
              <Text size="xs" c="red" mt={6}>
                {errors.capabilities}
              </Text>
            )}
          </Fieldset>
          <Text size="sm" c="dimmed" aria-live="polite" mih={20}>
            {note}
          </Text>
          <div aria-live="polite">
            <Preview
              empty={chosen.length === 0}
              pending={preview.isFetching && !preview.data}
              error={refusal ? inCatalogWords(refusal, caps) : null}
              equals={preview.data?.equals ?? null}
              count={chosen.length}
              missing={missing.length > 0 ? labels(caps, missing) : []}
              onAddMissing={() => {
                setSelected(new Set([...selected, ...missing]));
                setNote(null);
                write.reset();
              }}
            />
          </div>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={write.isPending}>
              {role ? "Save" : "Create role"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** An error whose sentence names capabilities by key ("explore_data"), with their labels instead. */
function inCatalogWords(error: unknown, caps: ResourceTypeInfo["capabilities"]): Error {
  let sentence = errorSentence(error);
  for (const c of caps) sentence = sentence.replace(new RegExp(`\\b${c.key}\\b`, "g"), c.label);
  return new Error(sentence);
}

function Preview({
  empty,
  pending,
  error,
  equals,
  count,
  missing,
  onAddMissing,
}: {
  empty: boolean;
  pending: boolean;
  error: unknown;
  equals: string | null;
  count: number;
  missing: string[];
  onAddMissing: () => void;
}) {
  if (empty) return null;
  if (pending)
    return (
      <Group gap="xs">
        <Loader size="xs" aria-hidden />
        <Text size="sm" c="dimmed">
          Comparing with the named roles…
        </Text>
      </Group>
    );
  if (error)
    return (
      <Stack gap="xs">
        <FormError error={error} />
        {missing.length > 0 && (
          <Button size="xs" variant="light" w="fit-content" onClick={onAddMissing}>
            Tick {listText(missing)} too
          </Button>
        )}
      </Stack>
    );
  if (equals)
    return (
      <Alert color="blue" variant="light" title={`This is ${equals}`}>
        The named role {equals} has exactly these capabilities: rules can give {equals} itself. Save this only
        if you want another name for the same set.
      </Alert>
    );
  return (
    <Text size="sm">
      A custom role with {count} {count === 1 ? "capability" : "capabilities"}: no named role has exactly
      these.
    </Text>
  );
}
