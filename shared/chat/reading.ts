// How the assistant reads a message, whichever model answers: the words around a request that
// carry no meaning, and "undo", which every model honours without a model call.

const undo = /^(?:undo|undo\s+(?:that|it|this|the\s+last\s+(?:one|change|changes|action|actions|turn|step))|revert(?:\s+(?:that|it|the\s+last\s+change))?|take\s+(?:that|it)\s+back)$/i;

export const isUndo = (message: string): boolean => undo.test(normalize(message));

/** The message without politeness, extra spaces and trailing punctuation. */
export function normalize(message: string): string {
  return message
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:(?:ok|okay|so|well|now|and|then|hey)[,\s]+)?(?:please\s+|(?:can|could|would|will)\s+you\s+(?:please\s+)?|kindly\s+)?/i, '')
    .replace(/[\s.?]+$/, '')
    // A "!" after a word is punctuation; "!!" standing alone is a priority.
    .replace(/(?<=[\p{L}\p{N})”"'])!+$/u, '')
    .replace(/,?\s+please$/i, '')
    .trim();
}
