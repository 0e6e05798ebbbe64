import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type In, type Out } from "../../api.ts";
import { keys } from "../../data.ts";
import { ME } from "../../session.tsx";

/** The settings area's queries and writes: the organization, its SMTP server, its API tokens. */

export type Organization = Out<typeof C.Organization>;
export type Plan = Out<typeof C.Plan>;
export type SmtpSettings = NonNullable<Out<typeof C.SmtpSettingsInfo>>;
export type SmtpInput = In<typeof C.SmtpSettingsBody>;
export type TokenInfo = Out<typeof C.TokenInfo>;
export type TokenCreated = Out<typeof C.TokenCreated>;
export type TokenScope = Out<typeof C.TokenScope>;

export const settingsKeys = {
  organization: ["organization"] as const,
  smtp: ["organization", "smtp"] as const,
  tokens: ["tokens"] as const,
};

export function useOrganization() {
  return useQuery({ queryKey: settingsKeys.organization, queryFn: () => api.organization.get() });
}

export function useUpdateOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { name?: string; plan?: Plan }) => api.organization.update(body),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: settingsKeys.organization }),
        // The navbar and the account menu show the organization's name.
        client.invalidateQueries({ queryKey: ME }),
        client.invalidateQueries({ queryKey: keys.audit }),
      ]),
  });
}

/** The organization's own SMTP server (administrators only; never its password). */
export function useSmtpSettings(enabled = true) {
  return useQuery({
    queryKey: settingsKeys.smtp,
    queryFn: () => api.organization.smtp(),
    select: (d) => d.smtp,
    enabled,
  });
}

function useSmtpWrite<T, R>(write: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: settingsKeys.smtp }),
        client.invalidateQueries({ queryKey: keys.audit }),
      ]),
  });
}

export const useSetSmtp = () => useSmtpWrite((body: SmtpInput) => api.organization.setSmtp(body));
export const useRemoveSmtp = () => useSmtpWrite((_: undefined) => api.organization.removeSmtp());

export function useTokens() {
  return useQuery({
    queryKey: settingsKeys.tokens,
    queryFn: () => api.tokens.list(),
    select: (d) => d.tokens,
  });
}

function useInvalidateTokens() {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: settingsKeys.tokens }),
      client.invalidateQueries({ queryKey: keys.audit }),
    ]);
}

export function useCreateToken() {
  const invalidate = useInvalidateTokens();
  return useMutation({
    mutationFn: (body: In<typeof C.TokenBody>) => api.tokens.create(body),
    onSuccess: invalidate,
  });
}

export function useRevokeToken() {
  const invalidate = useInvalidateTokens();
  return useMutation({ mutationFn: (id: string) => api.tokens.revoke(id), onSuccess: invalidate });
}
