import { Select, Stack, Text } from "@mantine/core";
import { useSession, useSwitchOrganization } from "../session.tsx";
import { FormError } from "./states.tsx";

/**
 * The organization the console acts in. A person who is a user of several
 * organizations signs in once and switches here; everything shown belongs
 * to the chosen one.
 */
export function OrgSwitcher() {
  const me = useSession();
  const change = useSwitchOrganization();
  if (me.organizations.length < 2) {
    return (
      <Stack gap={0}>
        <Text size="xs" c="dimmed">
          Organization
        </Text>
        <Text fw={600} size="sm" truncate>
          {me.organization.name}
        </Text>
      </Stack>
    );
  }
  return (
    <Stack gap={4}>
      <Select
        label="Organization"
        size="sm"
        allowDeselect={false}
        checkIconPosition="right"
        data={me.organizations.map((o) => ({ value: o.id, label: o.name }))}
        value={me.organization.id}
        disabled={change.isPending}
        onChange={(id) => {
          if (id && id !== me.organization.id) change.mutate(id);
        }}
      />
      <FormError error={change.error} />
    </Stack>
  );
}
