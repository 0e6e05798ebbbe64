import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, queryString } from "../../api.ts";
import { keys } from "../../data.ts";

/** The audit log's queries: a page of entries with the filters, and the export's address. */

export const PAGE_SIZE = 50;

export type AuditFilters = {
  readonly actor?: string | undefined;
  readonly target?: string | undefined;
  readonly action?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
};

export function useAuditPage(filters: AuditFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: [...keys.audit, "page", filters, cursor ?? null],
    queryFn: () => api.audit.search({ ...filters, limit: PAGE_SIZE, ...(cursor && { cursor }) }),
    placeholderData: keepPreviousData,
  });
}

/** `GET /api/v1/exports/audit` with the same filters: the browser downloads it with the session's cookie. */
export function exportUrl(format: "csv" | "json", filters: AuditFilters): string {
  return `/api/v1/exports/audit${queryString({ format, ...filters })}`;
}
