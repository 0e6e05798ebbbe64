import { Button, Group, Modal, Select, Stack, Textarea } from "@mantine/core";
import { type FormEvent, useState } from "react";
import type { OrgRole, UpdateUserBody, UserSummary } from "../../api.ts";
import { FormError } from "../../components/states.tsx";
import { useSession } from "../../session.tsx";
import { formatAttributes, parseAttributes } from "./attributes.ts";
import { useEditUser } from "./data.ts";
import { NameAndEmailFields } from "./NameAndEmailFields.tsx";
import { grantableRoles } from "./roles.ts";

/** Edit a user's names, email, organization role and attributes. Mount it with a `key` per user. */
export function EditUserModal({ user, onClose }: { user: UserSummary; onClose: () => void }) {
  const me = useSession();
  const edit = useEditUser();
  const [firstName, setFirstName] = useState(user.firstName);
  const [lastName, setLastName] = useState(user.lastName);
  const [email, setEmail] = useState(user.email);
  const [role, setRole] = useState<OrgRole>(user.role);
  const [attributes, setAttributes] = useState(formatAttributes(user.attributes));
  const parsed = parseAttributes(attributes);
  const roles = grantableRoles(me);
  // A role the signed-in person may not give (an owner, seen by an admin) is shown, not offered.
  const roleChoices = roles.some((r) => r.value === user.role)
    ? roles
    : [
        ...roles,
        { value: user.role, label: user.role === "owner" ? "Owner" : "Administrator", disabled: true },
      ];
  const emailError = !email.includes("@") ? "An email address has an @." : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (emailError || "error" in parsed) return;
    const changes: UpdateUserBody = {};
    if (firstName.trim() !== user.firstName) changes.firstName = firstName.trim();
    if (lastName.trim() !== user.lastName) changes.lastName = lastName.trim();
    if (email.trim() !== user.email) changes.email = email.trim();
    if (formatAttributes(parsed.attributes) !== formatAttributes(user.attributes))
      changes.attributes = parsed.attributes;
    edit.mutate(
      { id: user.id, changes, role: role !== user.role ? role : undefined },
      { onSuccess: () => onClose() },
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Edit ${user.email}`} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <NameAndEmailFields
            firstName={firstName}
            lastName={lastName}
            email={email}
            onFirstName={setFirstName}
            onLastName={setLastName}
            onEmail={setEmail}
            emailError={emailError}
          />
          <Select
            label="Organization role"
            data={roleChoices}
            value={role}
            allowDeselect={false}
            onChange={(v) => setRole((v ?? user.role) as OrgRole)}
          />
          <Textarea
            label="Attributes"
            description="Used by data filters. One per line: region: EMEA, APAC"
            autosize
            minRows={2}
            value={attributes}
            onChange={(e) => setAttributes(e.currentTarget.value)}
            error={"error" in parsed ? parsed.error : undefined}
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
          />
          <FormError error={edit.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={edit.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
