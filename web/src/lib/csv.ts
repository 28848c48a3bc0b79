// CSV as spreadsheets read it (RFC 4180, CRLF line ends), built in the browser so every table's download matches what the page shows.

/** A cell: text as is, numbers as JavaScript prints them, null or undefined as an empty cell. */
export type CsvCell = string | number | null | undefined;

/** One CSV field, quoted when it holds a comma, quote, CR or LF (quotes doubled). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A header line, then one line per row, each line ended by CRLF. */
export function csvTable(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const line = (cells: readonly CsvCell[]) => cells.map((c) => csvField(c == null ? "" : String(c))).join(",");
  return [header, ...rows].map((cells) => `${line(cells)}\r\n`).join("");
}
