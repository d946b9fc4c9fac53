const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO-8601 time as local "YYYY-MM-DD HH:MM:SS"; a dash when absent. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Audit details may be text or structured; show either on one line. */
export function formatDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  return typeof detail === 'string' ? detail : JSON.stringify(detail);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
