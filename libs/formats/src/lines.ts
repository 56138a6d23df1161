import { FileFormatError, MAX_RECORD_CHARS } from './types';

/** Splits a stream of chunks into lines (LF or CRLF), numbering them from 1, holding one line at a time. */
export async function* readLines(input: AsyncIterable<Buffer | string>): AsyncGenerator<{ line: number; text: string }> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let line = 0;
  for await (const chunk of input) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    // Walk the buffer with an index and cut it once per chunk (slicing after every line
    // would copy the rest of the chunk again for each line).
    let start = 0;
    let newline = pending.indexOf('\n', start);
    while (newline !== -1) {
      line++;
      const end = newline > start && pending.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      const text = pending.slice(start, end);
      yield { line, text: line === 1 ? stripBom(text) : text };
      start = newline + 1;
      newline = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
    // a file without line breaks must not be held whole
    if (pending.length > MAX_RECORD_CHARS) throw new FileFormatError(line + 1, `the line is longer than ${MAX_RECORD_CHARS} characters; is this a text file of the format given?`);
  }
  pending += decoder.decode();
  if (pending.length > 0) {
    line++;
    const text = pending.endsWith('\r') ? pending.slice(0, -1) : pending;
    yield { line, text: line === 1 ? stripBom(text) : text };
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * RFC 4180 records from lines: quoted fields may hold commas, doubled quotes and line
 * breaks; a record spanning lines is reported at the line where it starts.
 */
export async function* readCsvRecords(input: AsyncIterable<Buffer | string>): AsyncGenerator<{ line: number; fields: string[] } | { line: number; error: string }> {
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let startLine = 0;
  for await (const { line, text } of readLines(input)) {
    if (!inQuotes) {
      startLine = line;
      fields = [];
      field = '';
      if (text.length === 0) continue;
      // Most rows have no quotes at all: split them directly.
      if (text.indexOf('"') === -1) {
        yield { line, fields: text.split(',') };
        continue;
      }
    } else {
      field += '\n';
      if (line - startLine > 10_000 || field.length > MAX_RECORD_CHARS) throw new FileFormatError(startLine, `a quoted field opened here is not closed after ${line - startLine} lines; check the quotes`);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inQuotes) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i++;
          } else inQuotes = false;
        } else field += ch;
      } else if (ch === '"' && field.length === 0) inQuotes = true;
      else if (ch === ',') {
        fields.push(field);
        field = '';
      } else field += ch;
    }
    if (!inQuotes) {
      fields.push(field);
      yield { line: startLine, fields };
    }
  }
  if (inQuotes) yield { line: startLine, error: 'unterminated quoted field' };
}
