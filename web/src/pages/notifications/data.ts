import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type * as C from "../../../../src/contracts/index.ts";
import { api, type Out } from "../../api.ts";

/** The outbox's queries: the messages waiting, sent or failed, a page at a time. */

export const PAGE_SIZE = 50;

export type Notification = Out<typeof C.NotificationInfo>;
export type NotificationStatus = Out<typeof C.NotificationStatus>;

export const notificationKeys = { all: ["notifications"] as const };

export function useNotificationPage(status: NotificationStatus | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: [...notificationKeys.all, status ?? "all", cursor ?? null],
    queryFn: () =>
      api.notifications.list({ limit: PAGE_SIZE, ...(status && { status }), ...(cursor && { cursor }) }),
    placeholderData: keepPreviousData,
    // Delivery runs in the background: a waiting message may be sent any moment.
    refetchInterval: 15_000,
  });
}
