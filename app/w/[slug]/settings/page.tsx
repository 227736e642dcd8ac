import { PageHeader } from "@/components/page-header";
import { MembersPanel } from "@/components/members-panel";
import { EndpointsPanel } from "@/components/endpoints-panel";
import { AccountPanel } from "@/components/account-panel";
import { TemplatesPanel } from "@/components/templates-panel";
import { ShareLinksPanel } from "@/components/playground/share-links-panel";
import { SettingsNav } from "@/components/settings-nav";
import { signOutAction } from "@/app/(auth)/actions";

export const metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Members, roles, model endpoints and share links of this workspace. Admins invite people with a role, revoke sessions and manage endpoints." />
      <div className="grid gap-6 lg:grid-cols-[11rem_minmax(0,1fr)]">
        <div>
          <SettingsNav />
        </div>
        <div className="min-w-0 space-y-8">
          <div id="members" className="scroll-mt-4"><MembersPanel /></div>
          <div id="endpoints" className="scroll-mt-4"><EndpointsPanel /></div>
          <div id="prompts" className="scroll-mt-4"><TemplatesPanel /></div>
          <div id="share-links" className="scroll-mt-4"><ShareLinksPanel /></div>
          <div id="account" className="scroll-mt-4"><AccountPanel signOut={signOutAction} /></div>
        </div>
      </div>
    </>
  );
}
