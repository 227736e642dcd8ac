"use server";
import { AuthError } from "next-auth";
import { z } from "zod";
import { signIn, signOut } from "@/server/auth";
import { prisma } from "@/server/db/client";
import { SignUpError, signUp } from "@/server/auth/accounts";
import { safeNextPath } from "@/server/auth/safe-next";

import type { FormState } from "@/lib/form-state";


export async function signInAction(_prev: FormState, form: FormData): Promise<FormState> {
  const email = String(form.get("email") ?? "").trim().toLowerCase();
  const password = String(form.get("password") ?? "");
  if (!email || !password) return { error: "Enter your email and password." };
  try {
    await signIn("credentials", { email, password, redirectTo: safeNextPath(form.get("next")) });
    return {};
  } catch (err) {
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code;
      if (code === "rate_limited") return { error: "Too many failed attempts. Wait 15 minutes and try again." };
      return { error: "Wrong email or password." };
    }
    throw err; // Next's redirect
  }
}

const signUpSchema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(80),
  email: z.string().trim().toLowerCase().email("Enter a valid email"),
  password: z.string().min(8, "At least 8 characters").max(200),
  workspaceName: z.string().trim().max(80).optional(),
  inviteToken: z.string().max(100).optional(),
});

export async function signUpAction(_prev: FormState, form: FormData): Promise<FormState> {
  const parsed = signUpSchema.safeParse({
    name: form.get("name"),
    email: form.get("email"),
    password: form.get("password"),
    workspaceName: form.get("workspaceName") || undefined,
    inviteToken: form.get("inviteToken") || undefined,
  });
  if (!parsed.success) return { error: "Check the highlighted fields.", fieldErrors: z.flattenError(parsed.error).fieldErrors };
  let slug: string;
  try {
    ({ slug } = await signUp(prisma, parsed.data));
  } catch (err) {
    if (err instanceof SignUpError) return { error: err.message };
    throw err;
  }
  try {
    await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirectTo: `/w/${slug}` });
  } catch (err) {
    if (err instanceof AuthError) return { error: "Your account was created, but signing in failed. Try signing in." };
    throw err;
  }
  return {};
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
