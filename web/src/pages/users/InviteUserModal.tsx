import { Button, Checkbox, Group, Modal, Select, Stack } from "@mantine/core";
import { type FormEvent, useState } from "react";
import type { OrgRole } from "../../api.ts";
import { GroupMultiSelect } from "../../components/GroupSelect.tsx";
import { FormError } from "../../components/states.tsx";
import { assignable } from "../../data.ts";
import { useSession } from "../../session.tsx";
import { useInviteUser } from "./data.ts";
import { NameAndEmailFields } from "./NameAndEmailFields.tsx";
import { grantableRoles } from "./roles.ts";

export type Invited = { email: string; id: string; link: string | null };

/** Invite: first name, last name, email, organization role, groups, and the email with a link to set a password. */
export function InviteUserModal({
  opened,
  onClose,
  onInvited,
}: {
  opened: boolean;
  onClose: () => void;
  onInvited: (invited: Invited) => void;
}) {
  const me = useSession();
  const invite = useInviteUser();
  const [firstName, setFirstName] = useState("");
  const [lastName, setLastName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<OrgRole>("member");
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [sendLink, setSendLink] = useState(true);
  const [touched, setTouched] = useState(false);

  const emailError = !email.trim()
    ? "An email is required."
    : !email.includes("@")
      ? "An email address has an @."
      : null;

  const close = () => {
    setFirstName("");
    setLastName("");
    setEmail("");
    setRole("member");
    setGroupIds([]);
    setSendLink(true);
    setTouched(false);
    invite.reset();
    onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (emailError) return;
    invite.mutate(
      {
        email: email.trim(),
        firstName: firstName.trim(),
        lastName: lastName.trim(),
        role,
        groupIds,
        sendLink,
      },
      {
        onSuccess: ({ user, link }) => {
          onInvited({ email: user.email, id: user.id, link: link?.url ?? null });
          close();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title="Invite a user" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <NameAndEmailFields
            firstName={firstName}
            lastName={lastName}
            email={email}
            onFirstName={setFirstName}
            onLastName={setLastName}
            onEmail={setEmail}
            emailError={touched ? emailError : undefined}
          />
          <Select
            label="Organization role"
            description="Administrators hold every capability on every resource."
            data={grantableRoles(me)}
            value={role}
            allowDeselect={false}
            onChange={(v) => setRole((v ?? "member") as OrgRole)}
          />
          <GroupMultiSelect label="Groups" value={groupIds} onChange={setGroupIds} only={assignable} />
          <Checkbox
            label="Email them a link to set their password"
            checked={sendLink}
            onChange={(e) => setSendLink(e.currentTarget.checked)}
          />
          <FormError error={invite.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={invite.isPending}>
              Invite
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
