import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.tsx";
import { ErrorState, FormError, Loading } from "../../components/states.tsx";
import { type SmtpSettings, useRemoveSmtp, useSetSmtp, useSmtpSettings } from "./data.ts";

const SECURITY = [
  { value: "starttls", label: "STARTTLS when the server offers it (usually port 587)" },
  { value: "tls", label: "TLS from the start (usually port 465)" },
];

/**
 * The organization's own SMTP server for notifications: host, port,
 * security, user, password and From address. It wins over the platform's
 * (ROSTER_SMTP_URL). The password is never shown again: only whether one is
 * set; leaving the field empty keeps it.
 */
export function SmtpSection() {
  const smtp = useSmtpSettings();
  // The writes live here: the form below starts again from the saved settings after each one.
  const save = useSetSmtp();
  const remove = useRemoveSmtp();
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="smtp-title" id="smtp">
      <Group gap="sm" mb={4}>
        <Title order={2} size="h4" id="smtp-title">
          Email (SMTP)
        </Title>
        {smtp.data !== undefined && (
          <Badge variant="light" color={smtp.data ? "green" : "gray"}>
            {smtp.data ? "Own server" : "No server of its own"}
          </Badge>
        )}
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        Notifications to users whose access changed go through this server. Without one, they go through the
        platform's server when it has one, and wait in Notifications otherwise.
      </Text>
      {notice && (
        <Alert
          color="green"
          role="status"
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNotice(null)}
          mb="sm"
        >
          {notice}
        </Alert>
      )}
      {smtp.isPending ? (
        <Loading label="Loading the SMTP settings…" />
      ) : smtp.isError ? (
        <ErrorState error={smtp.error} onRetry={() => void smtp.refetch()} />
      ) : (
        <SmtpForm
          key={JSON.stringify(smtp.data)}
          current={smtp.data}
          save={save}
          remove={remove}
          onNotice={setNotice}
        />
      )}
    </Paper>
  );
}

function SmtpForm({
  current,
  save,
  remove,
  onNotice,
}: {
  current: SmtpSettings | null;
  save: ReturnType<typeof useSetSmtp>;
  remove: ReturnType<typeof useRemoveSmtp>;
  onNotice: (message: string | null) => void;
}) {
  const [host, setHost] = useState(current?.host ?? "");
  const [port, setPort] = useState<number | string>(current?.port ?? 587);
  const [security, setSecurity] = useState(current?.secure ? "tls" : "starttls");
  const [user, setUser] = useState(current?.user ?? "");
  const [password, setPassword] = useState("");
  const [forgetPassword, setForgetPassword] = useState(false);
  const [from, setFrom] = useState(current?.from ?? "");
  const [touched, setTouched] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);

  const portNumber = typeof port === "number" ? port : Number(port);
  const errors = {
    host: host.trim() ? null : "The SMTP server's host name is required (e.g. smtp.example.com).",
    port:
      Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535
        ? null
        : "The port is a number from 1 to 65535.",
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.host || errors.port) return;
    onNotice(null);
    remove.reset();
    save.mutate(
      {
        host: host.trim(),
        port: portNumber,
        secure: security === "tls",
        user: user.trim() || null,
        // Empty keeps the password set; the box removes it.
        ...(forgetPassword ? { password: null } : password ? { password } : {}),
        from: from.trim() || null,
      },
      {
        onSuccess: (written) =>
          onNotice(
            `Saved: notifications go through ${written.smtp?.host}:${written.smtp?.port}${
              written.smtp?.passwordSet ? ", signing in with the password set" : ""
            }.`,
          ),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Host"
            placeholder="smtp.example.com"
            required
            value={host}
            onChange={(e) => setHost(e.currentTarget.value)}
            error={touched ? errors.host : undefined}
            autoComplete="off"
          />
          <NumberInput
            label="Port"
            required
            min={1}
            max={65535}
            allowDecimal={false}
            allowNegative={false}
            value={port}
            onChange={setPort}
            error={touched ? errors.port : undefined}
          />
          <Select
            label="Security"
            data={SECURITY}
            value={security}
            allowDeselect={false}
            onChange={(v) => {
              const next = v ?? "starttls";
              setSecurity(next);
              // Follow the usual port when it was the other one's.
              if (next === "tls" && portNumber === 587) setPort(465);
              if (next === "starttls" && portNumber === 465) setPort(587);
            }}
          />
          <TextInput
            label="From address"
            placeholder="Roster <roster@example.com>"
            description="Who the messages come from; the platform's address when empty."
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
          />
          <TextInput
            label="User"
            description="The user name to sign in to the server with, if it needs one."
            value={user}
            onChange={(e) => setUser(e.currentTarget.value)}
            autoComplete="off"
          />
          <Stack gap={4}>
            <PasswordInput
              label="Password"
              description={
                current?.passwordSet
                  ? "A password is set. Leave this empty to keep it."
                  : "Stored for sending only; never shown again."
              }
              placeholder={current?.passwordSet ? "•••••••• (set)" : undefined}
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              disabled={forgetPassword}
              autoComplete="new-password"
            />
            {current?.passwordSet && (
              <Checkbox
                size="xs"
                label="Remove the password"
                checked={forgetPassword}
                onChange={(e) => setForgetPassword(e.currentTarget.checked)}
              />
            )}
          </Stack>
        </SimpleGrid>
        <FormError error={save.error} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save SMTP settings
          </Button>
          {current && (
            <Button
              variant="subtle"
              color="red"
              onClick={() => {
                remove.reset();
                setConfirmRemove(true);
              }}
            >
              Stop using this server
            </Button>
          )}
        </Group>
      </Stack>
      {current && (
        <ConfirmDialog
          opened={confirmRemove}
          title={`Stop using ${current.host}?`}
          confirmLabel="Stop using it"
          pending={remove.isPending}
          error={remove.error}
          onClose={() => setConfirmRemove(false)}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: () => {
                setConfirmRemove(false);
                onNotice(`${current.host} is no longer used: its settings and password are forgotten.`);
              },
            })
          }
        >
          Notifications will go through the platform's SMTP server when it has one, and wait in Notifications
          otherwise. The settings and the password of {current.host} are forgotten.
        </ConfirmDialog>
      )}
    </form>
  );
}
