/** The JSON object on one line of a JSON-lines file; `undefined` for anything else (a torn or corrupt line). */
export function parseJsonObjectLine(line: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
