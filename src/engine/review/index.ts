/** The review of a run's dialogues: review state, line index, document model, queries. No `vscode` import. */
export * from './reviewState';
export * from './dialogueIndex';
export * from './dialogueQuery';
export * from './reviewDocumentModel';
export * from './argumentsCheck';
