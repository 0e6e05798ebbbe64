import { Button, Group, Modal, SegmentedControl, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { GroupMultiSelect } from "../../components/GroupSelect.tsx";
import { FormError } from "../../components/states.tsx";
import { assignable } from "../../data.ts";
import { plural } from "../../format.ts";
import { useBulkGroups } from "./data.ts";

/** Add several users to some groups, or remove them from some, in one change. */
export function BulkGroupsModal({
  userIds,
  initialMode,
  onClose,
  onDone,
}: {
  userIds: string[];
  initialMode: "add" | "remove";
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const [mode, setMode] = useState(initialMode);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const bulk = useBulkGroups();
  const who = plural(userIds.length, "user");
  const submit = () =>
    bulk.mutate(
      { userIds, ...(mode === "add" ? { add: groupIds } : { remove: groupIds }) },
      {
        onSuccess: () => {
          onDone(
            mode === "add"
              ? `Added ${who} to ${plural(groupIds.length, "group")}.`
              : `Removed ${who} from ${plural(groupIds.length, "group")}.`,
          );
          onClose();
        },
      },
    );
  return (
    <Modal opened onClose={onClose} title={`Groups of ${who}`}>
      <Stack>
        <SegmentedControl
          aria-label="Add or remove"
          value={mode}
          onChange={(v) => setMode(v as "add" | "remove")}
          data={[
            { value: "add", label: "Add to groups" },
            { value: "remove", label: "Remove from groups" },
          ]}
        />
        <GroupMultiSelect label="Groups" value={groupIds} onChange={setGroupIds} only={assignable} />
        <Text size="sm" c="dimmed">
          {mode === "add"
            ? `Each of the ${who} joins every group chosen (those already in one stay as they are).`
            : `Each of the ${who} leaves every group chosen (access through other groups stays).`}
        </Text>
        <FormError error={bulk.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button onClick={submit} disabled={groupIds.length === 0} loading={bulk.isPending}>
            {mode === "add" ? "Add to groups" : "Remove from groups"}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
