import { Alert, Anchor, Button, PasswordInput, Stack } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, setCsrfToken } from "../../api.ts";
import { FormError } from "../../components/states.tsx";
import { Link, navigate } from "../../router.tsx";
import { ME } from "../../session.tsx";
import { AuthFrame } from "./AuthFrame.tsx";

const MIN_LENGTH = 10;

/** The one-time token of the link, from its fragment (#token=...), which never reaches the server's logs. */
function readToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  return match ? decodeURIComponent(match[1]!) : null;
}

/**
 * Setting a password from a one-time link: the first run's, an invitation's
 * (purpose "set") or a reset's. Then the person is signed in with it.
 */
export function SetPasswordPage({ purpose }: { purpose: "set" | "reset" }) {
  const [token] = useState(readToken);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [touched, setTouched] = useState(false);
  const client = useQueryClient();
  const save = useMutation({
    mutationFn: async () => {
      const { email } = await api.auth.setPassword({ token: token!, password });
      const session = await api.auth.signIn({ email, password });
      return session;
    },
    onSuccess: async (session) => {
      setCsrfToken(session.csrfToken);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME[0] });
      await client.resetQueries({ queryKey: ME });
      navigate("/users", { replace: true });
    },
  });

  const tooShort = password.length < MIN_LENGTH;
  const mismatch = again !== password;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!tooShort && !mismatch && token) save.mutate();
  };

  const title = purpose === "set" ? "Set your password" : "Choose a new password";
  if (!token) {
    return (
      <AuthFrame title={title}>
        <Alert color="red" role="alert">
          This link is incomplete: open the whole link from your email, or ask for a new one.
        </Alert>
        <Anchor component={Link} href="/forgot-password" size="sm">
          Ask for a new link
        </Anchor>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame
      title={title}
      intro={`Choose a password of at least ${MIN_LENGTH} characters. The link works once; your other sessions end.`}
    >
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordInput
            label="New password"
            autoComplete="new-password"
            required
            autoFocus
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={touched && tooShort ? `At least ${MIN_LENGTH} characters.` : undefined}
          />
          <PasswordInput
            label="Repeat the password"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.currentTarget.value)}
            error={touched && !tooShort && mismatch ? "The two passwords differ." : undefined}
          />
          <FormError error={save.error} />
          <Button type="submit" loading={save.isPending}>
            {purpose === "set" ? "Set password and sign in" : "Save and sign in"}
          </Button>
        </Stack>
      </form>
      {save.isError && (
        <Anchor component={Link} href="/forgot-password" size="sm">
          Ask for a new link
        </Anchor>
      )}
    </AuthFrame>
  );
}
