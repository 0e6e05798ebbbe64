import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { FormError } from "../../components/states.tsx";
import { type Resource, useDeleteResource, useUpdateResource } from "./data.ts";

/** Rename a resource or change its key (the platform's id for it). */
export function EditResourceModal({ resource, onClose }: { resource: Resource; onClose: () => void }) {
  const [name, setName] = useState(resource.name);
  const [key, setKey] = useState(resource.key);
  const update = useUpdateResource();
  const errors = {
    name: name.trim() ? null : "A name is required.",
    key: key.trim() ? null : "A key is required.",
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (errors.name || errors.key) return;
    const changes = {
      ...(name.trim() !== resource.name && { name: name.trim() }),
      ...(key.trim() !== resource.key && { key: key.trim() }),
    };
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate({ id: resource.id, changes }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={`Edit ${resource.name}`}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
            data-autofocus
          />
          <TextInput
            label="Key"
            description="The platform's own id of the resource: change it only if the platform's did."
            required
            maxLength={200}
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            error={errors.key}
          />
          <FormError error={update.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Delete a resource, after a confirmation that says its rules and data filters go with it. */
export function DeleteResourceDialog({
  resource,
  noun,
  onClose,
  onDone,
}: {
  resource: Resource;
  noun: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const remove = useDeleteResource();
  return (
    <ConfirmDialog
      opened
      title={`Delete ${resource.name}?`}
      confirmLabel={`Delete ${noun.toLowerCase()}`}
      pending={remove.isPending}
      error={remove.error}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(resource.id, {
          onSuccess: () => {
            onClose();
            onDone();
          },
        })
      }
    >
      <Stack gap="xs">
        <Text size="sm">
          {resource.name} ({resource.key}) is removed with its own rules and data filters: everyone who uses
          it through them loses that access.
        </Text>
        <Text size="sm" c="dimmed">
          Rules on every {noun.toLowerCase()} stay, and cover the {noun.toLowerCase()} again if the platform
          registers it anew.
        </Text>
      </Stack>
    </ConfirmDialog>
  );
}
