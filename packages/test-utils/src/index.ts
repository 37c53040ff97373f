export {
  claudeEnvFor,
  scriptByAgent,
  startScriptedModel,
  TEST_MODEL,
  type RecordedRequest,
  type Script,
  type ScriptedModel,
  type ScriptedModelOptions,
  type Step,
  type StepContext,
  type ToolCall,
} from './scripted-model.js';
export type { ReplyUsage } from './messages-response.js';
export * from './orchestrator-process.js';
export * from './sse-client.js';
export * from './api-client.js';
export * from './fake-kube/index.js';
export * from './steps.js';
