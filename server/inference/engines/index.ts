/** The engine layer: one streaming-completion interface and its implementations (see types.ts). */
export * from "./types";
export { openAIChatEngine, openAICompletionsEngine, OpenAIEngine, type OpenAIEngineOptions } from "./openai";
export { localGgufEngine, LocalGgufEngine, LOCAL_MODEL_HINT, type LocalGgufOptions } from "./local-gguf";
export { ScriptedEngine, scriptStream, splitTokens, type ScriptedAnswer, type ScriptedEngineOptions } from "./scripted";
export { endpointSemaphore, globallyLimited, limitEngine, Semaphore } from "./limit";
