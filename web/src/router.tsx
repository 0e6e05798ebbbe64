import {
  type AnchorHTMLAttributes,
  type MouseEvent,
  type Ref,
  useCallback,
  useMemo,
  useSyncExternalStore,
} from "react";

/**
 * A tiny router on the History API. Links are real <a href> elements, so
 * middle-click, ctrl-click and "open in new tab" work; a plain click moves
 * with pushState, and the back button comes back through popstate. Filters
 * that should survive back and forward live in the query string
 * (useSearchParams).
 */

const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};
window.addEventListener("popstate", emit);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

/** Go to `to` (a path with an optional query string). `replace` leaves no history entry (e.g. typing in a search box). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, "", to);
  else {
    window.history.pushState(null, "", to);
    window.scrollTo(0, 0);
  }
  emit();
}

export type Location = { readonly pathname: string; readonly search: URLSearchParams; readonly href: string };

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => {
    const url = new URL(href, window.location.origin);
    return { pathname: url.pathname, search: url.searchParams, href };
  }, [href]);
}

/**
 * The query string as state: `set({ q: "ann", cursor: null })` changes those
 * keys (null or "" removes one) and keeps the others.
 */
export function useSearchParams(): [
  URLSearchParams,
  (changes: Record<string, string | null | undefined>, options?: { replace?: boolean }) => void,
] {
  const { pathname, search } = useLocation();
  const set = useCallback(
    (changes: Record<string, string | null | undefined>, options: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === undefined || v === "") next.delete(k);
        else next.set(k, v);
      }
      const text = next.toString();
      navigate(`${pathname}${text ? `?${text}` : ""}`, options);
    },
    [pathname],
  );
  return [search, set];
}

/** The params of `pattern` ("/users/:id") in `pathname`, or null when it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.split("/").filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(":")) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return null;
      }
    } else if (w !== h) return null;
  }
  return params;
}

export type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & {
  href: string;
  replace?: boolean;
  ref?: Ref<HTMLAnchorElement>;
};

/** An <a> that moves inside the console on a plain left click and behaves as a link otherwise. */
export function Link({ href, replace, onClick, ref, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (
      e.defaultPrevented ||
      e.button !== 0 ||
      e.metaKey ||
      e.ctrlKey ||
      e.shiftKey ||
      e.altKey ||
      (rest.target && rest.target !== "_self") ||
      !href.startsWith("/")
    )
      return;
    e.preventDefault();
    navigate(href, { replace: replace ?? false });
  };
  return <a ref={ref} href={href} onClick={handle} {...rest} />;
}
