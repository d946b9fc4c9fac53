// Sizes and times as the file manager shows them.
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** 0 B, 812 B, 1.4 KiB, 23 MiB, 1.2 GiB: three significant digits at most. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}
