/** A distinct hue per stage (golden-angle spacing), as an hsla() string. */
export function stageColor(stage: number, alpha = 1): string {
  const hue = (stage * 137.508 + 200) % 360;
  return `hsla(${hue.toFixed(0)}, 65%, 48%, ${alpha})`;
}
