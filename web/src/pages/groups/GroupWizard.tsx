import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Group,
  List,
  Modal,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Switch,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { type FormEvent, useMemo, useState } from "react";
import type { ResourceTypeInfo } from "../../api.ts";
import { GroupMultiSelect } from "../../components/GroupSelect.tsx";
import { FormError } from "../../components/states.tsx";
import { useResourceTypes } from "../../data.ts";
import { plural } from "../../format.ts";
import { type GroupDetail, type Notify, useCreateGroup, useRedefineGroup } from "./data.ts";
import { ResourcePicker, UserPicker } from "./pickers.tsx";
import {
  emptyRow,
  type Picked,
  type PrivilegeRow,
  rowProblem,
  rowsFromRules,
  samePrivileges,
  toPrivileges,
} from "./privileges.ts";

/**
 * Create or edit a group in three steps, with Back and Next: general info
 * (name, description, members: chosen users and groups, all current users,
 * or all current and future users), privileges (a role on some, all current
 * or all current and future resources of a type, or skip), and
 * notifications. Everything is saved in one change at the end.
 */

type Members = "chosen" | "all_current" | "all_future";

/** Above this many explicit users, the edit adds members here and removes them on the group's page. */
const EDITABLE_MEMBERS = 200;

export type Saved = { id: string; name: string; created: boolean; privileges: number };

export function GroupWizard({
  initial,
  startAt = 0,
  onClose,
  onSaved,
}: {
  /** The group to edit; a new group when left out. */
  initial?: GroupDetail;
  startAt?: number;
  onClose: () => void;
  onSaved: (saved: Saved) => void;
}) {
  const editing = initial !== undefined;
  const phone = useMediaQuery("(max-width: 48em)");
  const types = useResourceTypes();
  const create = useCreateGroup();
  const redefine = useRedefineGroup();
  const save = editing ? redefine : create;

  const initialUsers = useMemo<Picked[]>(
    () =>
      (initial?.members.users ?? []).map((u) => ({
        value: u.id,
        label: u.name ? `${u.name} (${u.email})` : u.email,
      })),
    [initial],
  );
  const initialGroups = useMemo(() => (initial?.members.groups ?? []).map((g) => g.id), [initial]);
  const initialRows = useMemo(() => rowsFromRules(initial?.rules ?? []), [initial]);
  const manyMembers = initialUsers.length > EDITABLE_MEMBERS;

  const [step, setStep] = useState(startAt);
  const [name, setName] = useState(initial?.group.name ?? "");
  const [description, setDescription] = useState(initial?.group.description ?? "");
  const [members, setMembers] = useState<Members>(initial?.group.allUsers ? "all_future" : "chosen");
  const [users, setUsers] = useState<Picked[]>(manyMembers ? [] : initialUsers);
  const [groups, setGroups] = useState<string[]>(initialGroups);
  const [privilegesOn, setPrivilegesOn] = useState(initial?.group.privileges ?? true);
  const [rows, setRows] = useState<PrivilegeRow[]>(initialRows);
  const [skipped, setSkipped] = useState(false);
  const [notify, setNotify] = useState<Notify>(initial?.group.notify ?? "none");
  const [checked, setChecked] = useState<Record<number, boolean>>({});

  const nameError = name.trim() ? null : "A group needs a name.";
  const problems = rows.map(rowProblem);
  const stepValid = [!nameError, skipped || problems.every((p) => p === null), true];

  const typeOf = (key: string): ResourceTypeInfo | undefined => types.data?.find((t) => t.key === key);

  const next = () => {
    setChecked((c) => ({ ...c, [step]: true }));
    if (!stepValid[step]) return;
    setStep((s) => Math.min(2, s + 1));
  };

  const changeRow = (key: string, change: Partial<PrivilegeRow>) =>
    setRows((list) => list.map((r) => (r.key === key ? { ...r, ...change } : r)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (step < 2) {
      next();
      return;
    }
    const privileges = skipped ? [] : toPrivileges(rows);
    const general = { name: name.trim(), description: description.trim(), notify };
    const done = (id: string, groupName: string) => {
      onSaved({ id, name: groupName, created: !editing, privileges: privileges.length });
      onClose();
    };
    if (!initial) {
      create.mutate(
        {
          ...general,
          privileges: privilegesOn,
          rules: privileges,
          ...(members === "chosen" && { userIds: users.map((u) => u.value), groupIds: groups }),
          ...(members === "all_current" && { allCurrentUsers: true }),
          ...(members === "all_future" && { allUsers: true }),
        },
        { onSuccess: (r) => done(r.group.id, r.group.name) },
      );
      return;
    }
    const chosen = members === "chosen";
    const userIds = new Set(users.map((u) => u.value));
    const before = new Set(initialUsers.map((u) => u.value));
    const addUsers = chosen ? [...userIds].filter((id) => manyMembers || !before.has(id)) : [];
    const removeUsers = chosen && !manyMembers ? [...before].filter((id) => !userIds.has(id)) : [];
    const addGroups = chosen ? groups.filter((id) => !initialGroups.includes(id)) : [];
    const removeGroups = chosen ? initialGroups.filter((id) => !groups.includes(id)) : [];
    redefine.mutate(
      {
        id: initial.group.id,
        body: {
          ...general,
          allUsers: members === "all_future",
          privileges: privilegesOn,
          add: { userIds: addUsers, groupIds: addGroups },
          remove: { userIds: removeUsers, groupIds: removeGroups },
          ...(!samePrivileges(initialRows, rows) && { rules: toPrivileges(rows) }),
        },
      },
      { onSuccess: (r) => done(r.group.id, r.group.name) },
    );
  };

  const title = editing ? `Edit ${initial.group.name}` : "New group";
  return (
    <Modal opened onClose={onClose} title={title} size="xl" fullScreen={phone ?? false}>
      <form onSubmit={submit} noValidate>
        <Stepper
          active={step}
          onStepClick={setStep}
          allowNextStepsSelect={false}
          size="sm"
          mb="md"
          wrap={false}
          aria-label="Steps"
        >
          <Stepper.Step label="General info" description={phone ? undefined : "Name and members"} />
          <Stepper.Step label="Privileges" description={phone ? undefined : "What it gives"} />
          <Stepper.Step label="Notifications" description={phone ? undefined : "What members hear"} />
        </Stepper>

        {step === 0 && (
          <Stack>
            <TextInput
              label="Name"
              required
              value={name}
              maxLength={100}
              onChange={(e) => setName(e.currentTarget.value)}
              error={checked[0] ? nameError : undefined}
              data-autofocus
            />
            <Textarea
              label="Description"
              value={description}
              maxLength={1000}
              autosize
              minRows={2}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <Radio.Group
              label="Members"
              value={members}
              onChange={(v) => setMembers(v as Members)}
              description={
                members === "all_current"
                  ? "Every current user is added once, like any other member; people invited later are not."
                  : members === "all_future"
                    ? "Every user of the organization, now and later, is a member, like Everyone. Single users cannot be removed while this is on."
                    : undefined
              }
            >
              <Stack gap={6} mt={6}>
                <Radio value="chosen" label="Chosen users and groups" />
                {!editing && <Radio value="all_current" label="All current users" />}
                <Radio value="all_future" label="All current and future users" />
              </Stack>
            </Radio.Group>
            {members === "chosen" && (
              <>
                {manyMembers && (
                  <Alert color="gray" variant="light">
                    {initial?.group.name} has {plural(initialUsers.length, "user")} as direct members: add
                    users here, and remove them on the group's page.
                  </Alert>
                )}
                <UserPicker
                  label={manyMembers ? "Users to add" : "Users"}
                  value={users}
                  onChange={setUsers}
                />
                <GroupMultiSelect
                  label="Groups"
                  description="Nested groups: their members are members of this group too."
                  value={groups}
                  onChange={setGroups}
                  only={(g) => g.id !== initial?.group.id && g.system !== "everyone"}
                />
              </>
            )}
          </Stack>
        )}

        {step === 1 && (
          <Stack>
            <Switch
              label="Privileges on"
              description="Off: the group's rules and data filters are kept but do not apply; its members keep what other groups give."
              checked={privilegesOn}
              onChange={(e) => setPrivilegesOn(e.currentTarget.checked)}
            />
            {skipped ? (
              <Alert color="gray" variant="light">
                <Group justify="space-between" gap="xs">
                  <Text size="sm">No privileges: the group gives nothing until rules are added.</Text>
                  <Button size="compact-sm" variant="light" onClick={() => setSkipped(false)}>
                    Set privileges
                  </Button>
                </Group>
              </Alert>
            ) : (
              <>
                {rows.length === 0 && (
                  <Text size="sm" c="dimmed">
                    No privileges yet. Add a role on some apps, sites or other resources, or skip this step.
                  </Text>
                )}
                {rows.map((row, i) => {
                  const type = typeOf(row.type);
                  const problem = checked[1] ? problems[i] : null;
                  return (
                    <Paper key={row.key} withBorder p="sm" role="group" aria-labelledby={`${row.key}-title`}>
                      <Group justify="space-between" mb="xs">
                        <Title order={3} size="h6" id={`${row.key}-title`}>
                          Privilege {i + 1}
                        </Title>
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          aria-label={`Remove privilege ${i + 1}`}
                          onClick={() => setRows((list) => list.filter((r) => r.key !== row.key))}
                        >
                          <span aria-hidden>✕</span>
                        </ActionIcon>
                      </Group>
                      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                        <Select
                          label="Resource type"
                          allowDeselect={false}
                          data={(types.data ?? []).map((t) => ({ value: t.key, label: t.label }))}
                          value={row.type}
                          onChange={(v) => v && changeRow(row.key, { type: v, resources: [], roleId: null })}
                          comboboxProps={{ withinPortal: true }}
                        />
                        <Box>
                          <ResourcePicker
                            type={row.type}
                            typeLabel={type?.label ?? row.type}
                            scope={row.scope}
                            onScope={(scope) => changeRow(row.key, { scope })}
                            value={row.resources}
                            onChange={(resources) => changeRow(row.key, { resources })}
                            error={problem?.field === "resources" ? problem.message : undefined}
                          />
                        </Box>
                        <Select
                          label="Role"
                          placeholder="Choose a role"
                          data={(type?.roles ?? []).map((r) => ({
                            value: r.id,
                            label: r.builtin ? r.name : `${r.name} (custom)`,
                          }))}
                          value={row.roleId}
                          onChange={(v) => changeRow(row.key, { roleId: v })}
                          error={problem?.field === "role" ? problem.message : undefined}
                          comboboxProps={{ withinPortal: true }}
                        />
                      </SimpleGrid>
                    </Paper>
                  );
                })}
                <Group>
                  <Button variant="light" onClick={() => setRows((list) => [...list, emptyRow("app")])}>
                    Add a privilege
                  </Button>
                </Group>
              </>
            )}
          </Stack>
        )}

        {step === 2 && (
          <Stack>
            <Radio.Group
              label="Notify members"
              description="When they join or leave the group, or when what it gives changes."
              value={notify}
              onChange={(v) => setNotify(v as Notify)}
            >
              <Stack gap={6} mt={6}>
                <Radio value="none" label="None" />
                <Radio value="email" label="By email" />
              </Stack>
            </Radio.Group>
            <Paper withBorder p="sm" bg="var(--mantine-color-gray-0)">
              <Text size="sm" fw={500} mb={4}>
                {editing ? "What will be saved" : "What will be created"}
              </Text>
              <List size="sm" spacing={2}>
                <List.Item>{name.trim() || "(no name)"}</List.Item>
                <List.Item>
                  {members === "all_future"
                    ? "Members: all current and future users"
                    : members === "all_current"
                      ? "Members: all current users"
                      : `Members: ${plural(users.length, "user")}${manyMembers ? " to add" : ""} and ${plural(groups.length, "nested group")}`}
                </List.Item>
                <List.Item>
                  {skipped || rows.length === 0
                    ? "No privileges"
                    : `${plural(rows.length, "privilege")}${privilegesOn ? "" : " (off)"}`}
                </List.Item>
                <List.Item>
                  {notify === "email" ? "Members are notified by email" : "No notifications"}
                </List.Item>
              </List>
            </Paper>
          </Stack>
        )}

        <Stack mt="lg" gap="sm">
          <FormError error={save.error} />
          <Group justify="space-between">
            <Button variant="default" onClick={step === 0 ? onClose : () => setStep(step - 1)}>
              {step === 0 ? "Cancel" : "Back"}
            </Button>
            <Group gap="xs">
              {step === 1 && !editing && !skipped && (
                <Button
                  variant="subtle"
                  onClick={() => {
                    setSkipped(true);
                    setStep(2);
                  }}
                >
                  Skip privileges
                </Button>
              )}
              {step < 2 ? (
                <Button type="submit">Next</Button>
              ) : (
                <Button type="submit" loading={save.isPending}>
                  {editing ? "Save changes" : "Create group"}
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
