/**
 * Inference service (issue #6): engines (OpenAI-compatible completions/chat, optional local GGUF,
 * scripted) and the SPRINT orchestrator (round-sync / eager schedules, sequential baseline).
 */
export * from "./engines";
export * from "./orchestrator";
