import { Stack } from "@mantine/core";
import { useEffect } from "react";
import { PageHeader } from "../../components/PageHeader.tsx";
import { useSession } from "../../session.tsx";
import { OrganizationSection } from "./OrganizationSection.tsx";
import { ScimSection } from "./ScimSection.tsx";
import { SmtpSection } from "./SmtpSection.tsx";
import { TokensSection } from "./TokensSection.tsx";

/**
 * The organization's settings: its name and plan, its own SMTP server for
 * notifications, its API tokens, and SCIM provisioning (the base URL and
 * token for Entra ID or Okta).
 */
export function SettingsPage() {
  const me = useSession();
  // A link to a section (/settings#smtp) lands on it once the page is drawn.
  useEffect(() => {
    const id = window.location.hash.slice(1);
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);
  return (
    <>
      <PageHeader title="Settings" description={`The settings of ${me.organization.name}.`} />
      <Stack gap="lg">
        <OrganizationSection />
        <SmtpSection />
        <TokensSection />
        <ScimSection />
      </Stack>
    </>
  );
}
