// The one way the page talks to Django's JSON API: same origin, session cookie, CSRF header on writes.
import type { ApiFieldError } from "./types";

/** An error response in the contract's shape (`{ok: false, errors: [...]}`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: ApiFieldError[];

  constructor(status: number, errors: ApiFieldError[]) {
    super(errors.map((e) => e.message).join(" ") || `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
  }

  hasCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export type Query = Record<string, string | number | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: "Your session has ended. Log in again.",
  403: "You may not do this.",
  404: "Not found, or not yours to see.",
};

export async function apiFetch<T>(
  path: string,
  options: { method?: "GET" | "POST" | "PATCH" | "DELETE"; query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") {
    headers["X-CSRFToken"] = readCookie("csrftoken") ?? "";
  }
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, [{ path: "", code: "NETWORK", message: "The server could not be reached. Try again." }]);
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const errors =
      body && typeof body === "object" && Array.isArray((body as { errors?: unknown }).errors)
        ? ((body as { errors: ApiFieldError[] }).errors)
        : [];
    throw new ApiError(
      response.status,
      errors.length
        ? errors
        : [{ path: "", code: `HTTP_${response.status}`, message: FALLBACK_MESSAGES[response.status] ?? `Request failed (${response.status}).` }],
    );
  }
  return body as T;
}
