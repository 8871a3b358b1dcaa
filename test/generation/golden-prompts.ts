// Prompts of the golden-token fixture (different lengths, so the batch of 3 needs padding).
export const goldenPrompts = ['The state of the Union', 'We', 'Our economy is growing, and'];
