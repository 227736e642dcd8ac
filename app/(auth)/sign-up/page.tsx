import { redirect } from "next/navigation";
import { auth } from "@/server/auth";
import { SignUpForm } from "@/components/auth-forms";
import { signUpAction } from "../actions";

export const metadata = { title: "Create an account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  if ((await auth())?.user) redirect("/");
  return (
    <>
      <h1 className="mb-4 text-lg font-semibold">Create an account</h1>
      <SignUpForm signUp={signUpAction} />
    </>
  );
}
