import { Button, Group, Text } from "@mantine/core";
import { plural } from "../format.ts";

/**
 * Previous / next over keyset cursors (the API pages with `nextCursor`; the
 * page keeps the cursors it came through to go back), and where we are:
 * "51–100 of 1,234 users" (or "Changes 51–100" when the API gives no total).
 */
export function CursorPager({
  page,
  pageSize,
  shown,
  total,
  noun,
  hasNext,
  onPrevious,
  onNext,
}: {
  /** 0 for the first page. */
  page: number;
  pageSize: number;
  shown: number;
  /** Left out when the API does not count (the audit log, the outbox): then "51–100". */
  total?: number | undefined;
  /** What is counted, singular: "user". */
  noun: string;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  const from = total === 0 || shown === 0 ? 0 : page * pageSize + 1;
  const to = page * pageSize + shown;
  const range = `${from.toLocaleString("en")}–${to.toLocaleString("en")}`;
  return (
    <Group justify="space-between" mt="md" gap="sm">
      <Text size="sm" c="dimmed" aria-live="polite">
        {total === 0 || (total === undefined && shown === 0)
          ? `No ${noun}s`
          : total === undefined
            ? `${noun[0]!.toUpperCase()}${noun.slice(1)}s ${range}`
            : `${range} of ${plural(total, noun)}`}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={page === 0} onClick={onPrevious}>
          Previous page
        </Button>
        <Button variant="default" size="xs" disabled={!hasNext} onClick={onNext}>
          Next page
        </Button>
      </Group>
    </Group>
  );
}
