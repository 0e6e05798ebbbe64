import { Checkbox, Table, VisuallyHidden } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A table built on Mantine's Table: columns as data, optional row selection
 * (real checkboxes with labels), and a horizontal scroll on narrow screens
 * instead of squeezed columns. A caption names the table for screen readers.
 */

export type Column<T> = {
  readonly key: string;
  readonly header: ReactNode;
  readonly cell: (row: T) => ReactNode;
  readonly width?: number | string;
};

export type Selection<T> = {
  readonly selected: ReadonlySet<string>;
  readonly onChange: (next: Set<string>) => void;
  /** The checkbox's label for a row, e.g. "Select Alice Martin". */
  readonly label: (row: T) => string;
};

export function DataTable<T>({
  caption,
  rows,
  columns,
  rowId,
  selection,
  minWidth = 760,
}: {
  caption: string;
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowId: (row: T) => string;
  selection?: Selection<T>;
  minWidth?: number;
}) {
  const ids = rows.map(rowId);
  const chosen = selection ? ids.filter((id) => selection.selected.has(id)).length : 0;
  const toggleAll = () => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (chosen === ids.length) for (const id of ids) next.delete(id);
    else for (const id of ids) next.add(id);
    selection.onChange(next);
  };
  const toggle = (id: string) => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    selection.onChange(next);
  };
  return (
    <Table.ScrollContainer minWidth={minWidth} type="native">
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Caption>
          <VisuallyHidden>{caption}</VisuallyHidden>
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {selection && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select every row on this page"
                  checked={ids.length > 0 && chosen === ids.length}
                  indeterminate={chosen > 0 && chosen < ids.length}
                  onChange={toggleAll}
                />
              </Table.Th>
            )}
            {columns.map((c) => (
              <Table.Th key={c.key} {...(c.width !== undefined && { w: c.width })}>
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => {
            const id = ids[i]!;
            return (
              <Table.Tr
                key={id}
                {...(selection?.selected.has(id) && { bg: "var(--mantine-primary-color-light)" })}
              >
                {selection && (
                  <Table.Td>
                    <Checkbox
                      aria-label={selection.label(row)}
                      checked={selection.selected.has(id)}
                      onChange={() => toggle(id)}
                    />
                  </Table.Td>
                )}
                {columns.map((c) => (
                  <Table.Td key={c.key}>{c.cell(row)}</Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
