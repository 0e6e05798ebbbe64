import { Button, Group, Paper, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { plural } from "../format.ts";

/**
 * The bar above a table while rows are selected: how many, the bulk actions
 * (`children`, small buttons) and a way to clear the selection.
 */
export function SelectionBar({
  count,
  noun,
  onClear,
  children,
}: {
  count: number;
  noun: string;
  onClear: () => void;
  children: ReactNode;
}) {
  if (count === 0) return null;
  return (
    <Paper
      withBorder
      p="xs"
      mb="sm"
      bg="var(--mantine-primary-color-light)"
      role="region"
      aria-label="Selection"
    >
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500}>
          {plural(count, noun)} selected
        </Text>
        <Group gap="xs">
          {children}
          <Button size="xs" variant="subtle" onClick={onClear}>
            Clear selection
          </Button>
        </Group>
      </Group>
    </Paper>
  );
}
