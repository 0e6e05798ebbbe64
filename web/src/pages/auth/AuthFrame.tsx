import { Box, Center, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** The frame of the signed-out pages: the name, a title, a card. */
export function AuthFrame({
  title,
  intro,
  children,
}: {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Box w="100%" maw={420}>
        <Text ta="center" fw={700} size="xl" mb="md" c="blue.7">
          Roster
        </Text>
        <Paper withBorder shadow="sm" p="lg" radius="md" component="main">
          <Stack>
            <Title order={1} size="h3">
              {title}
            </Title>
            {intro && (
              <Text size="sm" c="dimmed">
                {intro}
              </Text>
            )}
            {children}
          </Stack>
        </Paper>
      </Box>
    </Center>
  );
}

/** Where to go after signing in: a path of this console, never another site. */
export function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/users";
}
