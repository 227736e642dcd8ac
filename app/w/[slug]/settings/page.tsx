import { PageHeader } from "@/components/page-header";
import { MembersPanel } from "@/components/members-panel";
import { EndpointsPanel } from "@/components/endpoints-panel";
import { AccountPanel } from "@/components/account-panel";
import { TemplatesPanel } from "@/components/templates-panel";
import { ShareLinksPanel } from "@/components/playground/share-links-panel";
import { signOutAction } from "@/app/(auth)/actions";

export const metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Members, roles, model endpoints and share links of this workspace. Admins invite people with a role, revoke sessions and manage endpoints." />
      <div className="space-y-8">
        <MembersPanel />
        <EndpointsPanel />
        <TemplatesPanel />
        <ShareLinksPanel />
        <AccountPanel signOut={signOutAction} />
      </div>
    </>
  );
}
