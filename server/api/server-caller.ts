import "server-only";
import { cache } from "react";
import { createCaller } from "./root";
import { createContext } from "./context";

/** A tRPC caller for server components, bound to the current request's session. */
export const serverCaller = cache(async () => createCaller(await createContext()));
