import { QueryCache, QueryClient, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext } from "react";
import { ApiError, api, type Me, setCsrfToken } from "./api.ts";
import { navigate } from "./router.tsx";

/**
 * Who is signed in. `/auth/me` is the source of truth: null when signed out.
 * Any call answered 401 (the session ended, or was signed out elsewhere)
 * asks it again, which sends the person to the sign-in page.
 */

export const ME = ["me"] as const;

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== ME[0])
          void client.invalidateQueries({ queryKey: ME });
      },
    }),
    defaultOptions: {
      queries: {
        // A refusal (4xx) will not change by asking again.
        retry: (count, error) =>
          !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
        staleTime: 15_000,
        refetchOnWindowFocus: false,
      },
      mutations: {
        onError: (error) => {
          if (error instanceof ApiError && error.status === 401)
            void client.invalidateQueries({ queryKey: ME });
        },
      },
    },
  });
  return client;
}

/** The signed-in person, or null when signed out. */
export function useMe() {
  return useQuery({
    queryKey: ME,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await api.auth.me();
        setCsrfToken(me.csrfToken);
        return me;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Whether the person may administer anything in their current organization (else the console has nothing to show). */
export function canAdminister(me: Me): boolean {
  return me.role !== "member" || me.manageUsers || me.manageGroups || me.delegations.length > 0;
}

const SessionContext = createContext<Me | null>(null);

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  return <SessionContext.Provider value={me}>{children}</SessionContext.Provider>;
}

/** The signed-in person, inside the console's shell. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error("useSession outside the signed-in console");
  return me;
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.auth.signOut(),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(ME, null);
      navigate("/sign-in");
    },
  });
}

/** Moves the session to another organization: everything cached belongs to the old one, so it all goes. */
export function useSwitchOrganization() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (organizationId: string) => api.auth.switchTo(organizationId),
    onSuccess: async () => {
      navigate("/users");
      await client.resetQueries();
    },
  });
}
