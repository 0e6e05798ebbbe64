import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Group,
  List,
  Modal,
  Paper,
  SegmentedControl,
  Stack,
  Text,
} from "@mantine/core";
import { useMemo, useState } from "react";
import { CursorPager } from "../../components/CursorPager.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty, ErrorState, Loading } from "../../components/states.tsx";
import { formatDateTime, formatRelative } from "../../format.ts";
import { Link, useSearchParams } from "../../router.tsx";
import { useSession } from "../../session.tsx";
import { useSmtpSettings } from "../settings/data.ts";
import { type Notification, type NotificationStatus, PAGE_SIZE, useNotificationPage } from "./data.ts";

const STATUSES: { value: NotificationStatus; label: string; color: string }[] = [
  { value: "pending", label: "Waiting", color: "yellow" },
  { value: "sent", label: "Sent", color: "green" },
  { value: "failed", label: "Failed", color: "red" },
];
const STATUS = Object.fromEntries(STATUSES.map((s) => [s.value, s])) as Record<
  string,
  (typeof STATUSES)[number] | undefined
>;

function StatusBadge({ n }: { n: Notification }) {
  const s = STATUS[n.status];
  return (
    <Badge variant="light" color={s?.color ?? "gray"}>
      {s?.label ?? n.status}
    </Badge>
  );
}

/** The lines of a message that say what changed, without the greeting and the signature. */
export function gist(body: string): string {
  const lines = body.split("\n").map((l) => l.trim());
  return lines
    .filter((l, i) => l !== "" && !(i === 0 && /^Hello\b/.test(l)) && !l.startsWith("— Roster"))
    .join(" ");
}

/** What happened to a message, in a line: sent when, or the attempts and the last error. */
function delivery(n: Notification): string {
  if (n.status === "sent") return `Sent ${formatDateTime(n.sentAt)}`;
  if (n.attempts === 0) return "Not tried yet";
  const tries = `${n.attempts} attempt${n.attempts === 1 ? "" : "s"}`;
  return n.lastError ? `${tries}; last error: ${n.lastError}` : tries;
}

function MessageModal({ n, onClose }: { n: Notification; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} closeButtonProps={{ "aria-label": "Close" }} title={n.subject} size="lg">
      <Stack gap="sm">
        <List size="sm" spacing={2}>
          <List.Item>To: {n.to}</List.Item>
          <List.Item>Written: {formatDateTime(n.createdAt)}</List.Item>
          <List.Item>
            Status: <StatusBadge n={n} /> {delivery(n)}
          </List.Item>
        </List>
        <Paper withBorder p="sm" bg="var(--mantine-color-body)">
          <Text
            size="sm"
            style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
            aria-label="Message text"
          >
            {n.body}
          </Text>
        </Paper>
      </Stack>
    </Modal>
  );
}

/**
 * The outbox: the emails written to users whose access changed, waiting,
 * sent or failed, with their recipient, subject and text. Without an SMTP
 * server they wait here.
 */
export function NotificationsPage() {
  const me = useSession();
  const [search, set] = useSearchParams();
  const raw = search.get("status");
  const status = STATUSES.some((s) => s.value === raw) ? (raw as NotificationStatus) : undefined;
  const [paging, setPaging] = useState({ key: status, cursors: [] as string[] });
  const cursors = paging.key === status ? paging.cursors : [];
  const page = useNotificationPage(status, cursors[cursors.length - 1]);
  const admin = me.role === "owner" || me.role === "admin";
  const smtp = useSmtpSettings(admin);
  const [open, setOpen] = useState<Notification | null>(null);

  const columns = useMemo<Column<Notification>[]>(
    () => [
      {
        key: "when",
        header: "Written",
        cell: (n) => (
          <Text size="sm" title={formatDateTime(n.createdAt)} style={{ whiteSpace: "nowrap" }}>
            {formatRelative(n.createdAt)}
          </Text>
        ),
      },
      {
        key: "to",
        header: "To",
        cell: (n) =>
          n.userId ? (
            <Anchor component={Link} href={`/users/${encodeURIComponent(n.userId)}`} size="sm">
              {n.to}
            </Anchor>
          ) : (
            <Text size="sm">{n.to}</Text>
          ),
      },
      {
        key: "message",
        header: "Message",
        width: "45%",
        cell: (n) => (
          <Stack gap={2}>
            <Text size="sm" fw={500}>
              {n.subject}
            </Text>
            <Text size="xs" c="dimmed" lineClamp={2}>
              {gist(n.body)}
            </Text>
          </Stack>
        ),
      },
      {
        key: "status",
        header: "Status",
        cell: (n) => (
          <Stack gap={2}>
            <StatusBadge n={n} />
            <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
              {delivery(n)}
            </Text>
          </Stack>
        ),
      },
      {
        key: "open",
        header: "Text",
        cell: (n) => (
          <Button
            size="compact-sm"
            variant="subtle"
            aria-label={`Read the message to ${n.to} (${formatDateTime(n.createdAt)})`}
            onClick={() => setOpen(n)}
          >
            Read
          </Button>
        ),
      },
    ],
    [],
  );

  const waiting = page.data?.notifications.some((n) => n.status === "pending");
  return (
    <>
      <PageHeader
        title="Notifications"
        description="The emails Roster writes to users whose access changed, in the words of the change."
      />

      {admin && smtp.data === null && (waiting || status === "pending") && (
        <Alert color="yellow" mb="md" title="Messages wait without an SMTP server">
          <Text size="sm">
            This organization has no SMTP server of its own: messages go through the platform's server when it
            has one (ROSTER_SMTP_URL), and wait here otherwise.{" "}
            <Anchor component={Link} href="/settings#smtp" size="sm">
              Set up SMTP in the settings
            </Anchor>
          </Text>
        </Alert>
      )}

      <Group mb="md" gap="sm">
        <Text size="sm" id="status-filter">
          Show
        </Text>
        <SegmentedControl
          aria-labelledby="status-filter"
          value={status ?? "all"}
          onChange={(v) => set({ status: v === "all" ? null : v })}
          data={[
            { value: "all", label: "All" },
            ...STATUSES.map((s) => ({ value: s.value, label: s.label })),
          ]}
        />
      </Group>

      {page.isPending ? (
        <Loading label="Loading notifications…" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => void page.refetch()} />
      ) : page.data.notifications.length === 0 ? (
        status ? (
          <Empty
            title={`No ${STATUS[status]?.label.toLowerCase()} messages`}
            action={
              <Button variant="light" onClick={() => set({ status: null })}>
                Show every message
              </Button>
            }
          />
        ) : (
          <Empty title="No notifications yet">
            When a change adds, removes or alters a user's access through a group that notifies by email, the
            message to them appears here.
          </Empty>
        )
      ) : (
        <Box style={{ opacity: page.isPlaceholderData ? 0.6 : 1 }} aria-busy={page.isFetching}>
          <DataTable
            caption="Notifications"
            rows={page.data.notifications}
            columns={columns}
            rowId={(n) => n.id}
            minWidth={900}
          />
          <CursorPager
            page={cursors.length}
            pageSize={PAGE_SIZE}
            shown={page.data.notifications.length}
            noun="message"
            hasNext={page.data.nextCursor !== null && !page.isPlaceholderData}
            onPrevious={() => setPaging({ key: status, cursors: cursors.slice(0, -1) })}
            onNext={() => {
              const next = page.data.nextCursor;
              if (next) setPaging({ key: status, cursors: [...cursors, next] });
            }}
          />
        </Box>
      )}

      {open && <MessageModal n={open} onClose={() => setOpen(null)} />}
    </>
  );
}
