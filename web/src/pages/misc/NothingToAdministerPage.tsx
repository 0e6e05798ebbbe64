import { Alert, Text } from "@mantine/core";
import { PageHeader } from "../../components/PageHeader.tsx";
import { useSession } from "../../session.tsx";

/** A person signed in to an organization where they administer nothing (a plain member). */
export function NothingToAdministerPage() {
  const me = useSession();
  return (
    <>
      <PageHeader title="Nothing to administer here" />
      <Alert color="gray" role="note">
        <Text size="sm">
          You are a member of {me.organization.name}, without administration rights: there is nothing for you
          to manage in this console.
          {me.organizations.length > 1
            ? " Choose another organization in the navigation."
            : " Ask an administrator of the organization if you need them."}
        </Text>
      </Alert>
    </>
  );
}
