import { Button, Code, CopyButton, Group, List, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { formatRelative } from "../../format.ts";
import type { TokenInfo } from "./data.ts";
import { useTokens } from "./data.ts";
import { RevokeTokenDialog, TokenModal } from "./TokensSection.tsx";

/** The SCIM base URL an identity provider is given: this server's address and /scim/v2. */
export function scimBaseUrl(origin: string = window.location.origin): string {
  return `${origin.replace(/\/+$/, "")}/scim/v2`;
}

/**
 * Provisioning from Entra ID or Okta: the SCIM base URL to paste, the
 * tokens with the scim scope, and the steps on each side.
 */
export function ScimSection() {
  const tokens = useTokens();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const base = scimBaseUrl();
  const scim = (tokens.data ?? []).filter((t) => t.scopes.includes("scim") && !t.revokedAt);

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="scim-title">
      <Title order={2} size="h4" id="scim-title" mb={4}>
        SCIM provisioning
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Entra ID and Okta create, update and deactivate users, and keep groups and their members, through SCIM
        2.0. What a group may do stays managed here.
      </Text>
      <Stack gap="md">
        <div>
          <Text size="sm" fw={500} id="scim-base-url">
            SCIM base URL
          </Text>
          <Group gap="xs" wrap="nowrap" mt={4}>
            <Code aria-labelledby="scim-base-url" style={{ overflowWrap: "anywhere" }}>
              {base}
            </Code>
            <CopyButton value={base}>
              {({ copied, copy }) => (
                <Button size="compact-sm" variant="light" onClick={copy} color={copied ? "green" : undefined}>
                  {copied ? "Copied" : "Copy URL"}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Text size="xs" c="dimmed" mt={4}>
            If people reach Roster at another address (ROSTER_PUBLIC_URL), use that address followed by
            /scim/v2.
          </Text>
        </div>

        <div>
          <Group justify="space-between" gap="xs">
            <Text size="sm" fw={500}>
              SCIM tokens
            </Text>
            <Button size="compact-sm" onClick={() => setCreating(true)}>
              Create a SCIM token
            </Button>
          </Group>
          {tokens.isPending ? (
            <Text size="sm" c="dimmed">
              Loading…
            </Text>
          ) : tokens.isError ? (
            <Text size="sm" c="red">
              The tokens could not be loaded.
            </Text>
          ) : scim.length === 0 ? (
            <Text size="sm" c="dimmed" mt={4}>
              No SCIM token yet: create one and paste it as the identity provider's secret token.
            </Text>
          ) : (
            <List size="sm" mt={4} spacing={4} aria-label="Active SCIM tokens">
              {scim.map((t) => (
                <List.Item key={t.id}>
                  <Group gap="xs">
                    <Text size="sm" fw={500}>
                      {t.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      last used {formatRelative(t.lastUsedAt).toLowerCase()}
                    </Text>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Revoke the SCIM token ${t.name}`}
                      onClick={() => setRevoking(t)}
                    >
                      Revoke
                    </Button>
                  </Group>
                </List.Item>
              ))}
            </List>
          )}
        </div>

        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <div>
            <Text size="sm" fw={500}>
              Entra ID
            </Text>
            <List size="sm" type="ordered" spacing={2}>
              <List.Item>
                Enterprise applications → New application → Create your own application (non-gallery).
              </List.Item>
              <List.Item>Provisioning → Automatic.</List.Item>
              <List.Item>
                Tenant URL: the base URL above; Secret Token: a SCIM token. Test Connection, then Save.
              </List.Item>
              <List.Item>
                In Mappings keep userName ← userPrincipalName (an email address), names, active and
                externalId.
              </List.Item>
              <List.Item>Assign users and groups to the application, then start provisioning.</List.Item>
            </List>
          </div>
          <div>
            <Text size="sm" fw={500}>
              Okta
            </Text>
            <List size="sm" type="ordered" spacing={2}>
              <List.Item>
                Applications → Create App Integration (SAML 2.0 or SWA) → Provisioning: SCIM.
              </List.Item>
              <List.Item>
                SCIM connector base URL: the base URL above; unique identifier field: userName.
              </List.Item>
              <List.Item>Actions: Push New Users, Push Profile Updates, Push Groups.</List.Item>
              <List.Item>Authentication Mode: HTTP Header, with a SCIM token as the Bearer token.</List.Item>
              <List.Item>
                In To App, enable Create Users, Update User Attributes and Deactivate Users.
              </List.Item>
            </List>
          </div>
        </SimpleGrid>
      </Stack>
      {creating && (
        <TokenModal
          title="Create a SCIM token"
          initialName="Identity provider (SCIM)"
          initialScopes={["scim"]}
          onClose={() => setCreating(false)}
        />
      )}
      {revoking && <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} />}
    </Paper>
  );
}
