// Short confirmations ("User created") shown at the bottom right.
import { signal } from '@preact/signals';

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'error';
}

const TOAST_MS = 4000;
/** Errors (a libpq message, say) take longer to read. */
const ERROR_TOAST_MS = 10_000;
let nextId = 1;

export const toasts = signal<Toast[]>([]);

export function dismissToast(id: number): void {
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

export function clearToasts(): void {
  toasts.value = [];
}

export function showToast(message: string, tone: Toast['tone'] = 'info'): void {
  const id = nextId++;
  toasts.value = [...toasts.value, { id, message, tone }];
  window.setTimeout(() => dismissToast(id), tone === 'error' ? ERROR_TOAST_MS : TOAST_MS);
}
