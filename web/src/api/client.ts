// The one fetch wrapper: JSON in and out, CSRF header on state-changing
// requests, JSON errors turned into ApiError, a 401 reported to the session.
import { signal } from '@preact/signals';

export type ErrorDetails = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails;

  constructor(status: number, code: string, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Whether the last request reached the Tusk server. */
export const serverReachable = signal(true);

let csrfToken = '';
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Registers what a 401 does: the session module sends the app back to login. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** The address of an API resource, for links (downloads) rather than fetch. */
export function apiUrl(path: string): string {
  return new URL(`api/v1/${path}`, document.baseURI).toString();
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** false for calls whose 401 is an answer, not an expired session (login). */
  redirectOn401?: boolean;
  /** Error codes of a 401 that answer this call rather than end the session (a database password). */
  answers401?: readonly string[];
}

const NETWORK_MESSAGE = 'Cannot reach the Tusk server. Check that it is running and try again.';

function buildUrl(path: string, query: RequestOptions['query']): string {
  const url = new URL(apiUrl(path));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function buildInit(method: Method, body: unknown): RequestInit {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return init;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFrom(response: Response, payload: unknown): ApiError {
  const error = (payload as { error?: ErrorDetails } | undefined)?.error;
  const retryAfter = response.headers.get('Retry-After');
  if (!error || typeof error.code !== 'string') {
    const message = `The server answered ${response.status} ${response.statusText}`.trim() + '.';
    return new ApiError(response.status, 'http_error', message);
  }
  const { code, message, ...rest } = error;
  if (retryAfter !== null) rest.retry_after = Number(retryAfter);
  return new ApiError(response.status, code, typeof message === 'string' ? message : code, rest);
}

async function send(method: Method, path: string, options: RequestOptions): Promise<Response> {
  try {
    const response = await fetch(buildUrl(path, options.query), buildInit(method, options.body));
    serverReachable.value = true;
    return response;
  } catch {
    serverReachable.value = false;
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
}

function failure(response: Response, payload: unknown, options: RequestOptions): ApiError {
  const error = errorFrom(response, payload);
  if (response.status === 401 && options.redirectOn401 !== false && !options.answers401?.includes(error.code)) {
    onUnauthorized();
  }
  return error;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  const payload = await readJson(response);
  if (response.ok) return payload as T;
  throw failure(response, payload, options);
}

/** A GET whose answer is text (DDL); errors are JSON like everywhere else. */
export async function requestText(path: string, options: RequestOptions = {}): Promise<string> {
  const response = await send('GET', path, options);
  if (response.ok) return response.text();
  throw failure(response, await readJson(response), options);
}

export interface UploadOptions {
  query?: RequestOptions['query'];
  /** Bytes sent so far and the total, as the browser reports them. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * A PUT of raw bytes through XMLHttpRequest, the one browser API that reports
 * upload progress. Errors as in request(); an abort rejects with code "aborted".
 */
export function uploadBody<T>(path: string, body: Blob, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', buildUrl(path, options.query));
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => {
      serverReachable.value = true;
      let payload: unknown;
      try {
        payload = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        payload = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(payload as T);
        return;
      }
      const error = (payload as { error?: ErrorDetails } | undefined)?.error;
      const code = typeof error?.code === 'string' ? error.code : 'http_error';
      const message = typeof error?.message === 'string' ? error.message : `The server answered ${xhr.status}.`;
      if (xhr.status === 401) onUnauthorized();
      reject(new ApiError(xhr.status, code, message));
    };
    xhr.onerror = () => {
      serverReachable.value = false;
      reject(new ApiError(0, 'network_error', NETWORK_MESSAGE));
    };
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}
