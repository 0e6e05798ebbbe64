import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Modal,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useMemo, useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { Empty, ErrorState, FormError, Loading } from "../../components/states.tsx";
import { formatDateTime, formatRelative } from "../../format.ts";
import {
  type TokenCreated,
  type TokenInfo,
  type TokenScope,
  useCreateToken,
  useRevokeToken,
  useTokens,
} from "./data.ts";

export const SCOPES: { value: TokenScope; label: string; description: string }[] = [
  {
    value: "admin",
    label: "Administer",
    description: "The admin API: users, groups, rules, filters, settings (and checks).",
  },
  { value: "check", label: "Check access", description: "The check API only: the platform's questions." },
  {
    value: "scim",
    label: "Provision (SCIM)",
    description: "SCIM 2.0 only, for Entra ID or Okta to create users and groups.",
  },
];
const SCOPE_LABEL = Object.fromEntries(SCOPES.map((s) => [s.value, s.label])) as Record<string, string>;

/**
 * Creates an API token with a name and scopes, then shows it once, with a
 * copy button: the server keeps only an HMAC of it.
 */
export function TokenModal({
  title,
  initialName = "",
  initialScopes = [],
  onClose,
}: {
  title: string;
  initialName?: string;
  initialScopes?: TokenScope[];
  onClose: () => void;
}) {
  const create = useCreateToken();
  const [name, setName] = useState(initialName);
  const [scopes, setScopes] = useState<string[]>(initialScopes);
  const [touched, setTouched] = useState(false);
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const errors = {
    name: name.trim() ? null : "Name the token after what will use it (e.g. Metabase, Entra ID).",
    scopes: scopes.length > 0 ? null : "Choose what the token may do.",
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.name || errors.scopes) return;
    create.mutate({ name: name.trim(), scopes: scopes as TokenScope[] }, { onSuccess: setCreated });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      closeButtonProps={{ "aria-label": "Close" }}
      title={created ? `Token ${created.name} created` : title}
      size="lg"
    >
      {created ? (
        <Stack>
          <Alert color="yellow" title="Copy the token now" role="status">
            It is shown only this once: Roster keeps only a fingerprint of it. If it is lost, revoke it and
            create another.
          </Alert>
          <Code block aria-label="The new token" style={{ overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>
            {created.token}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button variant="light" onClick={copy} color={copied ? "green" : undefined}>
                  {copied ? "Copied" : "Copy token"}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Name"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={touched ? errors.name : undefined}
              data-autofocus
            />
            <Checkbox.Group
              label="Scopes"
              value={scopes}
              onChange={setScopes}
              error={touched ? errors.scopes : undefined}
            >
              <Stack gap={6} mt={6}>
                {SCOPES.map((s) => (
                  <Checkbox key={s.value} value={s.value} label={s.label} description={s.description} />
                ))}
              </Stack>
            </Checkbox.Group>
            <FormError error={create.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** Revokes a token after a confirmation naming what stops working. */
export function RevokeTokenDialog({ token, onClose }: { token: TokenInfo; onClose: () => void }) {
  const revoke = useRevokeToken();
  return (
    <ConfirmDialog
      opened
      title={`Revoke the token ${token.name}?`}
      confirmLabel="Revoke token"
      pending={revoke.isPending}
      error={revoke.error}
      onClose={onClose}
      onConfirm={() => revoke.mutate(token.id, { onSuccess: onClose })}
    >
      {`Whatever uses it (${token.scopes.map((s) => SCOPE_LABEL[s] ?? s).join(", ")}) is refused from now on, on every server. This cannot be undone: a new token must be created and given to it.`}
    </ConfirmDialog>
  );
}

/** Active tokens first, newest first; revoked ones after. */
export function sortTokens(tokens: readonly TokenInfo[]): TokenInfo[] {
  return [...tokens].sort(
    (a, b) =>
      Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );
}

export function ScopeBadges({ scopes }: { scopes: readonly string[] }) {
  return (
    <Group gap={4}>
      {scopes.map((s) => (
        <Badge
          key={s}
          variant="light"
          color={s === "admin" ? "red" : s === "scim" ? "grape" : "blue"}
          tt="none"
        >
          {SCOPE_LABEL[s] ?? s}
        </Badge>
      ))}
    </Group>
  );
}

/** The organization's API tokens: create (shown once), list, revoke. */
export function TokensSection() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);

  const columns = useMemo<Column<TokenInfo>[]>(
    () => [
      {
        key: "name",
        header: "Name",
        cell: (t) => (
          <Text size="sm" fw={500} c={t.revokedAt ? "dimmed" : undefined}>
            {t.name}
          </Text>
        ),
      },
      { key: "scopes", header: "Scopes", cell: (t) => <ScopeBadges scopes={t.scopes} /> },
      {
        key: "created",
        header: "Created",
        cell: (t) => (
          <Stack gap={0}>
            <Text size="sm" title={formatDateTime(t.createdAt)} style={{ whiteSpace: "nowrap" }}>
              {formatRelative(t.createdAt)}
            </Text>
            <Text size="xs" c="dimmed">
              by {t.createdBy}
            </Text>
          </Stack>
        ),
      },
      {
        key: "used",
        header: "Last used",
        cell: (t) => (
          <Text size="sm" title={t.lastUsedAt ? formatDateTime(t.lastUsedAt) : undefined}>
            {formatRelative(t.lastUsedAt)}
          </Text>
        ),
      },
      {
        key: "status",
        header: "Status",
        cell: (t) =>
          t.revokedAt ? (
            <Badge color="gray" variant="light" title={formatDateTime(t.revokedAt)}>
              Revoked {formatRelative(t.revokedAt)}
            </Badge>
          ) : (
            <Button
              size="compact-sm"
              variant="subtle"
              color="red"
              aria-label={`Revoke the token ${t.name}`}
              onClick={() => setRevoking(t)}
            >
              Revoke
            </Button>
          ),
      },
    ],
    [],
  );

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="tokens-title">
      <Group justify="space-between" mb={4}>
        <Title order={2} size="h4" id="tokens-title">
          API tokens
        </Title>
        <Button size="sm" onClick={() => setCreating(true)}>
          Create a token
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        For the platform's checks, scripts and identity providers: sent as{" "}
        <Code>Authorization: Bearer rst_…</Code>. Each belongs to this organization only.
      </Text>
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : tokens.isError ? (
        <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <Empty title="No API tokens">Create one for each tool that talks to Roster.</Empty>
      ) : (
        <DataTable
          caption="API tokens"
          rows={sortTokens(tokens.data)}
          columns={columns}
          rowId={(t) => t.id}
        />
      )}
      {creating && <TokenModal title="Create an API token" onClose={() => setCreating(false)} />}
      {revoking && <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />}
    </Paper>
  );
}
