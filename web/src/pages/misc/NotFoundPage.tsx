import { Anchor } from "@mantine/core";
import { PageHeader } from "../../components/PageHeader.tsx";
import { Empty } from "../../components/states.tsx";
import { Link } from "../../router.tsx";

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty
        title="There is no such page in the console"
        action={
          <Anchor component={Link} href="/users">
            Go to the users
          </Anchor>
        }
      >
        The address may be mistyped, or the page may have moved.
      </Empty>
    </>
  );
}
