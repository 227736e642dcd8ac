/** The state a server-action form returns (browser-safe: shared by app/(auth)/actions.ts and components/auth-forms.tsx). */
export interface FormState {
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
}

/** A server action bound to a form through `useActionState`. */
export type FormAction = (prev: FormState, form: FormData) => Promise<FormState>;
