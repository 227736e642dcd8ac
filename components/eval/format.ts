/** Small formatting helpers of the evaluation pages. */
export const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? "—" : `${(100 * x).toFixed(digits)}%`);
export const tokens = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? "—" : Math.round(x).toLocaleString("en-US"));
export const MODE_LABEL: Record<string, string> = {
  "sprint-eager": "SPRINT · eager",
  "sprint-round-sync": "SPRINT · round-sync",
  sequential: "Sequential",
  imported: "Imported outputs",
  "imported-sprint": "Imported · SPRINT",
  "imported-sequential": "Imported · sequential",
};
export const modeLabel = (m: string) => MODE_LABEL[m] ?? m;

/** Base64 of a file's bytes (for zip uploads), in chunks so large files do not overflow the call stack. */
export async function fileBase64(f: File): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Saves text as a file download. */
export function download(fileName: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
