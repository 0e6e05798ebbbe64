import { Anchor, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { api, setCsrfToken } from "../../api.ts";
import { FormError } from "../../components/states.tsx";
import { Link, navigate, useLocation } from "../../router.tsx";
import { ME, useMe } from "../../session.tsx";
import { AuthFrame, safeNext } from "./AuthFrame.tsx";

/** Email and password; the server sets the session cookie and answers the CSRF token for writes. */
export function SignInPage() {
  const { search } = useLocation();
  const next = safeNext(search.get("next"));
  const me = useMe();
  const client = useQueryClient();
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  const signIn = useMutation({
    mutationFn: () => api.auth.signIn({ email: email.trim(), password }),
    onSuccess: async (session) => {
      setCsrfToken(session.csrfToken);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== ME[0] });
      await client.resetQueries({ queryKey: ME });
      navigate(next);
    },
  });

  // Already signed in (e.g. the back button): straight on.
  useEffect(() => {
    if (me.data && !signIn.isPending) navigate(next, { replace: true });
  }, [me.data, next, signIn.isPending]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };

  return (
    <AuthFrame title="Sign in to Roster">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-autofocus
            autoFocus
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <FormError error={signIn.error} />
          <Button type="submit" loading={signIn.isPending} disabled={!email.trim() || !password}>
            Sign in
          </Button>
          <Anchor
            component={Link}
            href={`/forgot-password${email.trim() ? `?email=${encodeURIComponent(email.trim())}` : ""}`}
            size="sm"
          >
            Forgot your password?
          </Anchor>
        </Stack>
      </form>
    </AuthFrame>
  );
}
