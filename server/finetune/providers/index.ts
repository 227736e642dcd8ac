import type { FineTuneProviderClient, ProviderAccount } from "../types";
import { togetherProvider } from "./together";
import { openAiProvider } from "./openai";
import { hfJobsProvider } from "./hf-jobs";
import { rayProvider } from "./ray";

/** The provider client for an account. */
export function providerFor(acct: ProviderAccount): FineTuneProviderClient {
  switch (acct.kind) {
    case "together":
      return togetherProvider(acct);
    case "openai":
      return openAiProvider(acct);
    case "hf-jobs":
      return hfJobsProvider(acct);
    case "ray":
      return rayProvider(acct);
  }
}
