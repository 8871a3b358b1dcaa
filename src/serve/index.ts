// The serving layer's public surface.
export { createServer, type ServeOptions, type Server } from './server.ts';
export { LocalChatModel, type LocalChatModelOptions, type LocalTokenizer } from './local-chat-model.ts';
export { ChatTemplate, defaultChatTemplate, type ChatMessage } from './chat-template.ts';
export { Scheduler, type SchedulerTokenizer } from './scheduler.ts';
export { loadModelDir, type ServedModel } from './model-dir.ts';
