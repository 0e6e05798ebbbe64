import { Button, Group, Modal, Select, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { FormError } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import { type Resource, useCreateResource } from "./data.ts";

/** A key from a name, as a platform would make one: "Sales Dashboard" -> "sales-dashboard". */
export function keyFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 200);
}

/**
 * Registers a resource: its type, the platform's own key for it, and a name.
 * The key follows the name until it is edited. The organization's own
 * resource exists once and is not offered.
 */
export function NewResourceModal({
  initialType,
  onClose,
  onCreated,
}: {
  initialType: string;
  onClose: () => void;
  onCreated: (resource: Resource) => void;
}) {
  const types = useResourceTypes();
  const choices = (types.data ?? []).filter((t) => t.key !== "organization");
  const [type, setType] = useState<string | null>(
    initialType && initialType !== "organization" ? initialType : null,
  );
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [keyEdited, setKeyEdited] = useState(false);
  const [touched, setTouched] = useState(false);
  const create = useCreateResource();

  const chosenType = type ?? choices[0]?.key ?? null;
  const errors = {
    name: name.trim() ? null : "A name is required.",
    key: key.trim() ? null : "A key is required: the platform's own id of the resource.",
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!chosenType || errors.name || errors.key) return;
    create.mutate(
      { type: chosenType, key: key.trim(), name: name.trim() },
      {
        onSuccess: ({ resource }) => {
          onClose();
          onCreated(resource);
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title="New resource">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Select
            label="Type"
            data={choices.map((t) => ({ value: t.key, label: t.label }))}
            value={chosenType}
            allowDeselect={false}
            onChange={setType}
            error={types.isError ? "The resource types could not be loaded." : undefined}
          />
          <TextInput
            label="Name"
            required
            data-autofocus
            maxLength={200}
            value={name}
            onChange={(e) => {
              const value = e.currentTarget.value;
              setName(value);
              if (!keyEdited) setKey(keyFromName(value));
            }}
            error={touched ? errors.name : undefined}
          />
          <TextInput
            label="Key"
            description="The platform's own id of the resource, unique for its type."
            required
            maxLength={200}
            value={key}
            onChange={(e) => {
              setKey(e.currentTarget.value);
              setKeyEdited(true);
            }}
            error={touched ? errors.key : undefined}
          />
          <FormError error={create.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
