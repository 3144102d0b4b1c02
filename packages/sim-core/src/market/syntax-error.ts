/**
 * Where a JSON or CSV syntax error is, without the text around it: newer V8 versions quote the
 * start of the input in JSON.parse errors (`"root:x:0:0:"... is not valid JSON`), and an error
 * about a file must never echo its contents.
 */
export function syntaxErrorPlace(error: unknown): string {
  const m = /position (\d+)|line (\d+)/i.exec((error as Error)?.message ?? '');
  if (!m) return 'syntax error';
  return m[1] !== undefined ? `syntax error at character ${m[1]}` : `syntax error on line ${m[2]}`;
}
