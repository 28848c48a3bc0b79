// Hands text built in the page to the browser as a file download, so exports need no server round trip.

/** Saves `text` as `fileName` through a temporary object URL. */
export function downloadText(fileName: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked a little later: Chromium reads the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
