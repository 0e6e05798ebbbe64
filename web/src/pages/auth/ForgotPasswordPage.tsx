import { Alert, Anchor, Button, Stack, TextInput } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "../../api.ts";
import { FormError } from "../../components/states.tsx";
import { Link, useLocation } from "../../router.tsx";
import { AuthFrame } from "./AuthFrame.tsx";

/** "Forgot password": the server emails a one-time link, and answers the same whether the address is known or not. */
export function ForgotPasswordPage() {
  const { search } = useLocation();
  const [email, setEmail] = useState(search.get("email") ?? "");
  const request = useMutation({ mutationFn: (address: string) => api.auth.requestReset(address) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (email.includes("@")) request.mutate(email.trim());
  };

  return (
    <AuthFrame title="Reset your password" intro="We will email you a link to choose a new password.">
      {request.isSuccess ? (
        <Alert color="green" role="status" title="Check your email">
          If {request.variables} belongs to an active user, a link to choose a new password is on its way. It
          works once, within an hour.
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={email && !email.includes("@") ? "An email address has an @." : undefined}
            />
            <FormError error={request.error} />
            <Button type="submit" loading={request.isPending} disabled={!email.includes("@")}>
              Email me a link
            </Button>
          </Stack>
        </form>
      )}
      <Anchor component={Link} href="/sign-in" size="sm">
        Back to sign in
      </Anchor>
    </AuthFrame>
  );
}
