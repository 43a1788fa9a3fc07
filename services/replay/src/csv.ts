/**
 * A small RFC 4180 CSV reader for the real-data converters (pure: text in, rows out). Quoted fields may hold
 * commas, doubled quotes and line breaks; a CR before LF is dropped. The data sets are a few MB, so the whole
 * text is parsed at once rather than streamed.
 */
export class CsvError extends Error {
  override readonly name = "CsvError";
}

/** Every record as an array of fields; blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  // A field that was quoted is a value even when empty; a record is only blank when it is one unquoted "".
  let sawQuote = false;
  const endRecord = () => {
    row.push(field);
    if (!(row.length === 1 && field === "" && !sawQuote)) rows.push(row);
    row = [];
    field = "";
    sawQuote = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== "") throw new CsvError(`line ${line}: a quote inside an unquoted field`);
      quoted = true;
      sawQuote = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n") {
      endRecord();
      line++;
    } else if (c === "\r" && text[i + 1] === "\n") {
      // CRLF: the LF ends the record.
    } else {
      field += c;
    }
  }
  if (quoted) throw new CsvError(`line ${line}: a quoted field is not closed`);
  if (field !== "" || row.length > 0 || sawQuote) endRecord();
  return rows;
}

/**
 * Records keyed by the header's column names. Missing columns are an error naming them: a converter must
 * not silently read a file of another layout.
 */
export function csvRecords<K extends string>(text: string, required: readonly K[]): Array<Record<K, string>> {
  const [header, ...body] = parseCsv(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!header) return [];
  const index = new Map(header.map((name, i) => [name.trim(), i]));
  const missing = required.filter((k) => !index.has(k));
  if (missing.length > 0) throw new CsvError(`missing column(s) ${missing.join(", ")} (header: ${header.join(",")})`);
  return body.map((fields, n) => {
    if (fields.length !== header.length) throw new CsvError(`data record ${n + 1}: ${fields.length} fields, the header has ${header.length}`);
    const rec = {} as Record<K, string>;
    for (const k of required) rec[k] = fields[index.get(k) as number] as string;
    return rec;
  });
}
