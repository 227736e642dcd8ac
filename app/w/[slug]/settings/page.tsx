import { PageHeader } from "@/components/page-header";
import { MembersPanel } from "@/components/members-panel";

export const metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Members and roles of this workspace. Admins invite people with a role and can revoke their sessions." />
      <MembersPanel />
    </>
  );
}
