import {
  Autocomplete,
  Button,
  Group,
  Modal,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { type FormEvent, useState } from "react";
import { api, type ResourceTypeInfo } from "../../api.ts";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { GroupSelect } from "../../components/GroupSelect.tsx";
import { FormError } from "../../components/states.tsx";
import { useGroups } from "../../data.ts";
import { fullName, plural } from "../../format.ts";
import {
  existingRule,
  type Resource,
  type SetRulesResult,
  useRemoveRule,
  useSetRule,
  useUserSuggestions,
} from "./data.ts";

/** What a write did, said on the page afterwards. */
export type Notice = { readonly tone: "success" | "info"; readonly message: string };

type Scope = "resource" | "all_current_and_future";

export type RuleSubject =
  | { kind: "group"; id: string; name: string; members?: number }
  | { kind: "user"; id: string; name: string; email: string };

/** An existing rule, as a row of the permissions page shows it. */
export type RuleTarget = {
  readonly ruleId: string;
  readonly subject: RuleSubject;
  readonly role: { id: string; name: string };
  readonly scope: Scope;
};

/** "on Finance", or "on every app" for a rule on the whole type. */
function where(scope: Scope, resource: Resource, noun: string): string {
  return scope === "resource" ? `on ${resource.name}` : `on every ${noun.toLowerCase()}`;
}

/** Who is affected, for sentences: "Sales (12 users)", "Alice Martin". */
function who(subject: RuleSubject): string {
  if (subject.kind === "user") return subject.name;
  return subject.members === undefined
    ? subject.name
    : `${subject.name} (${plural(subject.members, "user")})`;
}

function capabilityLabels(type: ResourceTypeInfo, keys: readonly string[]): string {
  return keys.map((k) => type.capabilities.find((c) => c.key === k)?.label ?? k).join(", ");
}

/**
 * Adds a rule (a group by name or a user by email, a role, and what it applies
 * to), or changes the role of an existing one (`target`). The same role
 * again writes nothing and says so; replacing another role asks to confirm
 * first. Refusals (a delegate outside their scope, a locked system rule)
 * are shown as the server's sentences without closing.
 */
export function RuleDialog({
  resource,
  type,
  noun,
  initialKind,
  target,
  onClose,
  onDone,
}: {
  resource: Resource;
  type: ResourceTypeInfo;
  noun: string;
  initialKind: "group" | "user";
  target?: RuleTarget;
  onClose: () => void;
  onDone: (notice: Notice) => void;
}) {
  const groups = useGroups();
  const [kind, setKind] = useState<"group" | "user">(target?.subject.kind ?? initialKind);
  const [groupId, setGroupId] = useState<string | null>(null);
  const [email, setEmail] = useState("");
  const [typed] = useDebouncedValue(email.trim(), 250);
  const suggestions = useUserSuggestions(kind === "user" ? typed : "");
  const [roleId, setRoleId] = useState<string | null>(target?.role.id ?? null);
  const [scope, setScope] = useState<Scope>(target?.scope ?? "resource");
  const [touched, setTouched] = useState(false);
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<unknown>(null);
  const [confirm, setConfirm] = useState<{ subject: RuleSubject; from: string } | null>(null);
  const set = useSetRule();

  const role = type.roles.find((r) => r.id === roleId) ?? null;
  const errors = {
    subject: target
      ? null
      : kind === "group"
        ? groupId
          ? null
          : "Choose a group."
        : email.trim()
          ? null
          : "Enter the user's email.",
    role: role ? null : "Choose a role.",
  };

  const write = (subject: RuleSubject) => {
    if (!role) return;
    set.mutate(
      {
        subject: { kind: subject.kind, id: subject.id },
        role: { roleId: role.id },
        scope:
          scope === "resource"
            ? { kind: "resource", resourceId: resource.id }
            : { kind: "all_current_and_future", type: resource.type },
      },
      {
        onSuccess: (result: SetRulesResult) => {
          const status = result.rules[0]?.status ?? "unchanged";
          const at = where(scope, resource, noun);
          onDone(
            status === "unchanged"
              ? { tone: "info", message: `${subject.name} already has ${role.name} ${at}: nothing changed.` }
              : status === "replaced"
                ? {
                    tone: "success",
                    message: `${subject.name} now has ${role.name} ${at}${confirm ? ` instead of ${confirm.from}` : ""}.`,
                  }
                : { tone: "success", message: `${subject.name} now has ${role.name} ${at}.` },
          );
          onClose();
        },
      },
    );
  };

  /** The subject chosen in the form, looked up (a user by their exact email). */
  async function chosenSubject(): Promise<RuleSubject | null> {
    if (target) return target.subject;
    if (kind === "group") {
      const g = groups.data?.find((x) => x.id === groupId);
      return g ? { kind: "group", id: g.id, name: g.name, members: g.users } : null;
    }
    const wanted = email.trim().toLowerCase();
    const found = (await api.users.list({ q: email.trim(), limit: 20 })).users.find(
      (u) => u.email.toLowerCase() === wanted,
    );
    if (!found) throw new Error(`No user has the email ${email.trim()} in this organization.`);
    return { kind: "user", id: found.id, name: fullName(found), email: found.email };
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    setProblem(null);
    set.reset();
    if (errors.subject || errors.role || !role) return;
    setChecking(true);
    try {
      const subject = await chosenSubject();
      if (!subject) return;
      const existing = target
        ? { role: target.role, locked: false }
        : await existingRule(
            resource.id,
            subject.kind === "group"
              ? { kind: "group", id: subject.id, name: subject.name }
              : { kind: "user", id: subject.id, email: subject.email },
            scope,
          );
      if (existing && existing.role.id === role.id) {
        onDone({
          tone: "info",
          message: `${subject.name} already has ${role.name} ${where(scope, resource, noun)}: nothing changed.`,
        });
        onClose();
        return;
      }
      // A locked rule goes to the server, whose refusal says why; any other change of role is confirmed first.
      if (existing && !existing.locked) {
        setConfirm({ subject, from: existing.role.name });
        return;
      }
      write(subject);
    } catch (error) {
      setProblem(error);
    } finally {
      setChecking(false);
    }
  };

  const named = type.roles.filter((r) => r.builtin);
  const custom = type.roles.filter((r) => !r.builtin);
  const roleData = [
    { group: "Named roles", items: named.map((r) => ({ value: r.id, label: r.name })) },
    ...(custom.length > 0
      ? [{ group: "Custom roles", items: custom.map((r) => ({ value: r.id, label: r.name })) }]
      : []),
  ];
  const title = target ? `Change the role of ${target.subject.name}` : `Add a rule on ${resource.name}`;

  return (
    <>
      <Modal opened={!confirm} onClose={onClose} title={title}>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack>
            {target ? (
              <Text size="sm">
                {who(target.subject)} has {target.role.name} {where(target.scope, resource, noun)}.
              </Text>
            ) : (
              <>
                <SegmentedControl
                  aria-label="Give the rule to"
                  value={kind}
                  onChange={(v) => {
                    setKind(v === "user" ? "user" : "group");
                    setProblem(null);
                  }}
                  data={[
                    { value: "group", label: "A group" },
                    { value: "user", label: "A user" },
                  ]}
                />
                {kind === "group" ? (
                  <div>
                    <GroupSelect
                      label="Group"
                      placeholder="Search groups by name"
                      value={groupId}
                      onChange={setGroupId}
                    />
                    {touched && errors.subject && (
                      <Text size="xs" c="red" mt={4}>
                        {errors.subject}
                      </Text>
                    )}
                  </div>
                ) : (
                  <Autocomplete
                    label="User's email"
                    placeholder="name@example.com"
                    data-autofocus
                    value={email}
                    onChange={setEmail}
                    data={(suggestions.data?.users ?? []).map((u) => u.email)}
                    error={touched ? errors.subject : undefined}
                    comboboxProps={{ withinPortal: true }}
                  />
                )}
              </>
            )}
            <Select
              label="Role"
              placeholder="Choose a role"
              data={roleData}
              value={roleId}
              onChange={setRoleId}
              allowDeselect={false}
              description={role ? `Gives ${capabilityLabels(type, role.capabilities)}.` : undefined}
              error={touched ? errors.role : undefined}
              comboboxProps={{ withinPortal: true }}
            />
            {target ? null : (
              <Radio.Group label="Applies to" value={scope} onChange={(v) => setScope(v as Scope)}>
                <Stack gap="xs" mt={4}>
                  <Radio value="resource" label={`${resource.name} only`} />
                  <Radio
                    value="all_current_and_future"
                    label={`Every ${noun.toLowerCase()}, current and future`}
                  />
                </Stack>
              </Radio.Group>
            )}
            <FormError error={problem ?? set.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={checking || set.isPending}>
                {target ? "Change role" : "Add rule"}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      {confirm && role && (
        <ConfirmDialog
          opened
          title={`Change ${confirm.subject.name}'s role ${where(scope, resource, noun)}?`}
          confirmLabel="Change role"
          danger={false}
          pending={set.isPending}
          error={set.error}
          onClose={() => {
            setConfirm(null);
            set.reset();
          }}
          onConfirm={() => write(confirm.subject)}
        >
          <Stack gap="xs">
            <Text size="sm">
              {confirm.subject.name} has {confirm.from} {where(scope, resource, noun)}. A rule holds one role:
              it will be {role.name} instead.
            </Text>
            <Text size="sm">
              {confirm.subject.kind === "group"
                ? `Its members${confirm.subject.members === undefined ? "" : ` (${plural(confirm.subject.members, "user")})`} get ${capabilityLabels(type, role.capabilities)} through it, instead of what ${confirm.from} gave.`
                : `They get ${capabilityLabels(type, role.capabilities)} through it, instead of what ${confirm.from} gave.`}
            </Text>
          </Stack>
        </ConfirmDialog>
      )}
    </>
  );
}

/** Removes a rule after a confirmation that says who loses what. */
export function RemoveRuleDialog({
  resource,
  noun,
  target,
  onClose,
  onDone,
}: {
  resource: Resource;
  noun: string;
  target: RuleTarget;
  onClose: () => void;
  onDone: (notice: Notice) => void;
}) {
  const remove = useRemoveRule();
  const at = where(target.scope, resource, noun);
  return (
    <ConfirmDialog
      opened
      title={`Remove the rule of ${target.subject.name}?`}
      confirmLabel="Remove rule"
      pending={remove.isPending}
      error={remove.error}
      onClose={onClose}
      onConfirm={() =>
        remove.mutate(target.ruleId, {
          onSuccess: () => {
            onDone({
              tone: "success",
              message: `Removed: ${target.subject.name} no longer gets ${target.role.name} ${at} through this rule.`,
            });
            onClose();
          },
        })
      }
    >
      <Stack gap="xs">
        <Text size="sm">
          {who(target.subject)} will no longer get {target.role.name} {at} through this rule
          {target.scope === "all_current_and_future"
            ? `, on ${resource.name} or any other ${noun.toLowerCase()}`
            : ""}
          .
        </Text>
        <Text size="sm" c="dimmed">
          {target.subject.kind === "group"
            ? "Members keep what their other groups and their own rules give them."
            : "They keep what their groups give them."}
        </Text>
      </Stack>
    </ConfirmDialog>
  );
}
