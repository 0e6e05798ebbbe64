import { Anchor, AppShell, Burger, Button, Group, Menu, NavLink, ScrollArea, Text } from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { type ReactNode, useEffect, useRef } from "react";
import { Link, useLocation } from "../router.tsx";
import { NAV } from "../routes.tsx";
import { useSession, useSignOut } from "../session.tsx";
import { OrgSwitcher } from "./OrgSwitcher.tsx";

/**
 * The console's frame: a header (menu button on narrow screens, the name,
 * the account menu), a navbar with the organization switcher and every
 * section, and the page. On screens narrower than Mantine's `sm` breakpoint
 * the navbar folds behind the burger.
 */
export function AppLayout({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure(false);
  // Below `sm` the folded navbar is only moved off screen: keep it out of the tab order and of screen readers too.
  const narrow = useMediaQuery("(max-width: 47.99em)");
  const folded = Boolean(narrow) && !opened;
  const { pathname } = useLocation();
  const me = useSession();
  const signOut = useSignOut();
  const first = useRef(true);

  // After a navigation, focus the new page's title so keyboard and screen reader users start there.
  // biome-ignore lint/correctness/useExhaustiveDependencies: it runs on each navigation, which `pathname` stands for
  useEffect(() => {
    close();
    if (first.current) {
      first.current = false;
      return;
    }
    const target = document.getElementById("page-title") ?? document.getElementById("main");
    target?.focus({ preventScroll: true });
  }, [pathname, close]);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 250, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding={{ base: "sm", sm: "lg" }}
    >
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? "Close navigation" : "Open navigation"}
              aria-expanded={opened}
              aria-controls="navigation"
            />
            <Anchor
              component={Link}
              href="/users"
              fw={700}
              size="lg"
              underline="never"
              c="var(--mantine-color-text)"
            >
              Roster
            </Anchor>
          </Group>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="subtle" size="sm" aria-label={`Account: ${me.email}`} maw={260}>
                <Text size="sm" truncate>
                  {me.email}
                </Text>
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>{me.organization.name}</Menu.Label>
              <Menu.Item onClick={() => signOut.mutate()}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" id="navigation" aria-label="Console sections" inert={folded}>
        <AppShell.Section mb="sm">
          <OrgSwitcher />
        </AppShell.Section>
        <AppShell.Section grow component={ScrollArea}>
          {NAV.map((item) => {
            const active = pathname === item.path || pathname.startsWith(`${item.path}/`);
            return (
              <NavLink
                key={item.path}
                component={Link}
                href={item.path}
                label={item.label}
                active={active}
                aria-current={active ? "page" : undefined}
                onClick={close}
              />
            );
          })}
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main id="main" tabIndex={-1} style={{ outline: "none" }}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
