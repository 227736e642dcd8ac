/** The OpenAI-compatible LLM curation backend: see backend.ts (steps), client.ts (transport), parse.ts, templates.ts. */
export { createLlmBackend, describeComponents, numberLines, LlmStepError, type LlmBackend, type LlmBackendOptions } from "./backend";
export { ChatClient, createChatClient, type ChatClientOptions, type ChatResult, type TokenUsage, type BackoffOptions } from "./client";
export { LlmAnswerError, parseDagAnswer, parseExtractionAnswer, type AnswerIssue } from "./parse";
export {
  DEFAULT_DAG_TEMPLATE,
  DEFAULT_EXTRACT_TEMPLATE,
  DEFAULT_TEMPLATES,
  TemplateError,
  checkTemplate,
  promptTemplateSchema,
  renderTemplate,
  type PromptTemplate,
  type PromptTemplates,
} from "./templates";
