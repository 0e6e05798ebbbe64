import { Group, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A page's title (the one <h1>, which takes focus after a navigation so a
 * screen reader announces the new page), an optional line under it, and the
 * page's main actions.
 */
export function PageHeader({
  title,
  description,
  actions,
  badges,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  badges?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" gap="sm">
      <Stack gap={4} style={{ minWidth: 0 }}>
        <Group gap="sm" align="center">
          <Title
            order={1}
            size="h2"
            id="page-title"
            tabIndex={-1}
            style={{ outline: "none", overflowWrap: "anywhere" }}
          >
            {title}
          </Title>
          {badges}
        </Group>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}
