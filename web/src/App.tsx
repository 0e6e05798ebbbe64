import { Center } from "@mantine/core";
import { useEffect } from "react";
import { AppLayout } from "./components/AppLayout.tsx";
import { ErrorState, Loading } from "./components/states.tsx";
import { NotFoundPage } from "./pages/misc/NotFoundPage.tsx";
import { NothingToAdministerPage } from "./pages/misc/NothingToAdministerPage.tsx";
import { matchPath, navigate, useLocation } from "./router.tsx";
import { ROUTES, type RouteDef } from "./routes.tsx";
import { canAdminister, SessionProvider, useMe } from "./session.tsx";

function resolve(pathname: string): { route: RouteDef | null; params: Record<string, string> } {
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return { route: null, params: {} };
}

/** Public pages as they are; every other page needs a session and sits in the console's frame. */
export function App() {
  const location = useLocation();
  const { route, params } = resolve(location.pathname);
  const me = useMe();

  useEffect(() => {
    document.title = `${route?.title ?? "Not found"} · Roster`;
  }, [route]);

  // "/" opens the users table.
  useEffect(() => {
    if (location.pathname === "/") navigate("/users", { replace: true });
  }, [location.pathname]);

  // Signed out on a page that needs a session: sign in, then come back here.
  const signedOut = !route?.public && me.data === null;
  useEffect(() => {
    if (signedOut && location.pathname !== "/") {
      navigate(`/sign-in?next=${encodeURIComponent(location.href)}`, { replace: true });
    }
  }, [signedOut, location.pathname, location.href]);

  if (route?.public) return <route.page params={params} />;
  if (me.isPending || me.data === null || location.pathname === "/") {
    return (
      <Center h="100vh">
        <Loading />
      </Center>
    );
  }
  if (me.isError) {
    return (
      <Center h="100vh" p="md">
        <ErrorState error={me.error} onRetry={() => void me.refetch()} title="The console could not start" />
      </Center>
    );
  }
  return (
    <SessionProvider me={me.data}>
      <AppLayout>
        {!canAdminister(me.data) ? (
          <NothingToAdministerPage />
        ) : route ? (
          <route.page params={params} />
        ) : (
          <NotFoundPage />
        )}
      </AppLayout>
    </SessionProvider>
  );
}
