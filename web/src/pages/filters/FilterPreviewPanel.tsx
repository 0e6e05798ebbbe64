import {
  Alert,
  Box,
  Code,
  Group,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { queryString } from "../../api.ts";
import { ErrorState, Loading } from "../../components/states.tsx";
import { type FilterPreview, type Placeholder, useFilterPreview } from "./data.ts";
import { type Picked, ResourceSearchSelect, UserSearchSelect } from "./pickers.tsx";

/**
 * The rows a chosen user sees of a dataset: what the check API
 * (`GET /api/v1/access/filter`) answers for them, with the SQL `WHERE`
 * fragment the platform appends to its queries and its parameters.
 */
export function FilterPreviewPanel({
  dataset,
  onDataset,
  user,
  onUser,
  placeholder,
  onPlaceholder,
}: {
  dataset: Picked | null;
  onDataset: (d: Picked | null) => void;
  user: Picked | null;
  onUser: (u: Picked | null) => void;
  placeholder: Placeholder;
  onPlaceholder: (p: Placeholder) => void;
}) {
  const preview = useFilterPreview(dataset?.value ?? null, user?.value ?? null, placeholder);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="preview-title">
      <Title order={2} size="h4" id="preview-title" mb={4}>
        Preview for a user
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        The rows a user sees of a dataset once every filter that reaches them is combined, and the SQL the
        platform adds to its queries.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="sm">
        <ResourceSearchSelect
          label="Dataset to preview"
          type="dataset"
          noun="dataset"
          value={dataset}
          onChange={onDataset}
        />
        <UserSearchSelect label="User to preview" value={user} onChange={onUser} />
      </SimpleGrid>
      <Group gap="xs" mb="sm">
        <Text size="sm" id="placeholder-style">
          Parameters as
        </Text>
        <SegmentedControl
          size="xs"
          aria-labelledby="placeholder-style"
          value={placeholder}
          onChange={(v) => onPlaceholder(v === "question" ? "question" : "dollar")}
          data={[
            { value: "dollar", label: "$1, $2 (PostgreSQL)" },
            { value: "question", label: "? (JDBC, MySQL)" },
          ]}
        />
      </Group>
      {!dataset || !user ? (
        <Text size="sm" c="dimmed">
          Choose a dataset and a user to see what they would see.
        </Text>
      ) : preview.isPending ? (
        <Loading label="Working out the filter…" />
      ) : preview.isError ? (
        <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <Box style={{ opacity: preview.isPlaceholderData ? 0.6 : 1 }} aria-busy={preview.isFetching}>
          <PreviewResult preview={preview.data} placeholder={placeholder} />
        </Box>
      )}
    </Paper>
  );
}

function PreviewResult({ preview, placeholder }: { preview: FilterPreview; placeholder: Placeholder }) {
  const who = preview.user.email;
  const what = preview.resource.name;
  const checkUrl = `/api/v1/access/filter${queryString({
    user: who,
    resource: preview.resource.key,
    type: "dataset",
    ...(placeholder === "question" && { placeholder }),
  })}`;
  const footer = (
    <Text size="xs" c="dimmed" mt="xs" style={{ overflowWrap: "anywhere" }}>
      The check API answers the same to <Code>GET {checkUrl}</Code>
    </Text>
  );
  if (preview.access === "none") {
    return (
      <>
        <Alert color="gray" title="No access" role="status">
          {who} cannot query {what}: no rule gives them the query capability on it.
        </Alert>
        {footer}
      </>
    );
  }
  if (preview.access === "unfiltered") {
    return (
      <>
        <Alert color="yellow" title="Every row" role="status">
          {who} may query {what} without a filter: a path that carries no filter, or an administrator's role,
          gives them every row.
        </Alert>
        {footer}
      </>
    );
  }
  const params = preview.params ?? [];
  return (
    <Stack gap="xs" role="status">
      <Alert color="blue" title="Filtered">
        {who} sees the rows of {what} where:
      </Alert>
      <Code
        block
        aria-label="SQL WHERE fragment"
        style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
      >
        {`WHERE ${preview.sql ?? ""}`}
      </Code>
      {params.length > 0 && (
        <Table.ScrollContainer minWidth={280} type="native">
          <Table withTableBorder verticalSpacing={4} fz="sm" aria-label="Parameters">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Parameter</Table.Th>
                <Table.Th>Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {params.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: parameters are positional
                <Table.Tr key={i}>
                  <Table.Td>
                    <Code>{placeholder === "dollar" ? `$${i + 1}` : `? #${i + 1}`}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Code>{JSON.stringify(p)}</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {footer}
    </Stack>
  );
}
