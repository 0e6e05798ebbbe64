import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ErrorState, FormError, Loading } from "../../components/states.tsx";
import { useSession } from "../../session.tsx";
import { type Organization, type Plan, useOrganization, useUpdateOrganization } from "./data.ts";

export const PLAN_LABEL: Record<Plan, string> = { free: "Free", team: "Team", enterprise: "Enterprise" };

/** The organization's name (administrators) and plan (owners). */
export function OrganizationSection() {
  const org = useOrganization();
  // The write lives here: the form below starts again from the saved organization after it.
  const update = useUpdateOrganization();
  const [saved, setSaved] = useState(false);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="organization-title">
      <Title order={2} size="h4" id="organization-title" mb="sm">
        Organization
      </Title>
      {org.isPending ? (
        <Loading label="Loading the organization…" />
      ) : org.isError ? (
        <ErrorState error={org.error} onRetry={() => void org.refetch()} />
      ) : (
        <OrganizationForm
          key={`${org.data.name}:${org.data.plan}`}
          org={org.data}
          update={update}
          saved={saved}
          onSaved={setSaved}
        />
      )}
    </Paper>
  );
}

function OrganizationForm({
  org,
  update,
  saved,
  onSaved,
}: {
  org: Organization;
  update: ReturnType<typeof useUpdateOrganization>;
  saved: boolean;
  onSaved: (saved: boolean) => void;
}) {
  const me = useSession();
  const [name, setName] = useState(org.name);
  const [plan, setPlan] = useState<Plan>(org.plan);
  const owner = me.role === "owner";
  const changed = name.trim() !== org.name || plan !== org.plan;
  const nameError = name.trim() ? null : "The organization needs a name.";

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (nameError || !changed) return;
    onSaved(false);
    update.mutate(
      { ...(name.trim() !== org.name && { name: name.trim() }), ...(plan !== org.plan && { plan }) },
      { onSuccess: () => onSaved(true) },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Group align="flex-start" gap="sm" grow preventGrowOverflow={false} wrap="wrap">
          <TextInput
            label="Name"
            value={name}
            maxLength={120}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            miw={220}
          />
          <Select
            label="Plan"
            data={(Object.keys(PLAN_LABEL) as Plan[]).map((p) => ({ value: p, label: PLAN_LABEL[p] }))}
            value={plan}
            allowDeselect={false}
            onChange={(v) => setPlan((v ?? org.plan) as Plan)}
            disabled={!owner}
            description={owner ? undefined : "Only an owner changes the plan."}
            miw={180}
          />
        </Group>
        <Text size="sm" c="dimmed">
          Slug (for the CLI and the API): <code>{org.slug}</code>. Custom groups (beyond the system groups)
          need the Enterprise plan; every other feature works on every plan.
        </Text>
        {plan !== org.plan && plan !== "enterprise" && (
          <Alert color="yellow" variant="light">
            On the {PLAN_LABEL[plan]} plan no custom group can be created; the groups that exist stay.
          </Alert>
        )}
        <FormError error={update.error} />
        {saved && !changed && (
          <Text size="sm" c="green" role="status">
            Saved: the organization is {org.name}, on the {PLAN_LABEL[org.plan]} plan.
          </Text>
        )}
        <Group>
          <Button type="submit" disabled={!changed} loading={update.isPending}>
            Save organization
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
